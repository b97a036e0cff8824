"""What changed between two versions of a pathway, element by element.

Built specs are compared with SpiffWorkflow's `SpecDiff`, which aligns elements by id
(and by shape where an id changed) and compares their serialized settings. Only BPMN
elements are reported; the engine's own helper specs are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.util.diff import SpecDiff

from pathways.engine.serialization import REGISTRY, load_spec

# Settings that change whenever a neighbour does; the neighbour is reported itself.
_NOISE = {"inputs", "outputs", "bpmn_id", "name"}


@dataclass(frozen=True)
class Element:
    id: str
    name: str | None


@dataclass(frozen=True)
class ChangedElement:
    id: str
    name: str | None
    settings: tuple[str, ...]


@dataclass(frozen=True)
class ModelDiff:
    added: tuple[Element, ...]
    removed: tuple[Element, ...]
    changed: tuple[ChangedElement, ...]


def compare(old_spec: str, new_spec: str) -> ModelDiff:
    """Elements added, removed and changed from the old built spec to the new one."""
    old, new = load_spec(old_spec), load_spec(new_spec)
    added: list[Element] = []
    removed: list[Element] = []
    changed: list[ChangedElement] = []
    old_processes = {old.spec.name: old.spec, **old.subprocess_specs}
    new_processes = {new.spec.name: new.spec, **new.subprocess_specs}
    for name, process in old_processes.items():
        counterpart = new_processes.get(name)
        if counterpart is None:
            removed.extend(_elements(process.task_specs.values()))
            continue
        diff = SpecDiff(REGISTRY, process, counterpart)
        added.extend(_elements(diff.added))
        removed.extend(_elements(diff.removed))
        changed.extend(_changed(diff.changed, diff.alignment))
    for name, process in new_processes.items():
        if name not in old_processes:
            added.extend(_elements(process.task_specs.values()))
    return ModelDiff(tuple(added), tuple(removed), tuple(changed))


def _elements(specs: Any) -> list[Element]:
    return [
        Element(spec.bpmn_id, spec.bpmn_name)
        for spec in sorted(specs, key=lambda s: s.name)
        if spec.bpmn_id is not None
    ]


def _changed(changes: dict[Any, list[str]], alignment: dict[Any, Any]) -> list[ChangedElement]:
    """Changed elements under their new id (an element whose id changed is matched by shape)."""
    found = []
    for spec, settings in sorted(changes.items(), key=lambda item: item[0].name):
        new = alignment.get(spec) or spec
        relevant = set(settings) - _NOISE
        if spec.bpmn_id != new.bpmn_id:
            relevant.add("id")
        if new.bpmn_id is not None and relevant:
            found.append(ChangedElement(new.bpmn_id, new.bpmn_name, tuple(sorted(relevant))))
    return found
