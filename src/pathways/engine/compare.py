"""What changed between two versions of a pathway, element by element.

SpiffWorkflow's `SpecDiff` aligns the elements of two built specs by id (and by shape
where an id changed). Whether an aligned element changed is decided here, on what it
means rather than how the file spelled it: the serialized settings are normalised
first, so a re-saved file whose diagram moved, whose flows came out in another order,
whose lane says "EMPLOYMENT  AREA" for "Employment area", or whose empty properties
were written out, shows no change. Only BPMN elements are reported; the engine's own
helper specs are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.util.diff import SpecDiff

from pathways.engine.serialization import REGISTRY, load_spec
from pathways.organisation_kinds import kind_for_lane

# Settings that change whenever a neighbour does (the neighbour is reported itself), or
# that mirror another setting.
_NOISE = {"inputs", "outputs", "bpmn_id", "name", "description"}
# Lists whose order in the file means nothing to the engine.
_UNORDERED = {"cond_task_specs", "data_input_associations", "data_output_associations"}


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
        changed.extend(_changed(diff.alignment))
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


def _changed(alignment: dict[Any, Any]) -> list[ChangedElement]:
    """Changed elements under their new id (an element whose id changed is matched by shape)."""
    found = []
    for spec, new in sorted(alignment.items(), key=lambda item: item[0].name):
        if new is None or new.bpmn_id is None:
            continue
        relevant = set(_differences(spec, new))
        if spec.bpmn_id != new.bpmn_id:
            relevant.add("id")
        if relevant:
            found.append(ChangedElement(new.bpmn_id, new.bpmn_name, tuple(sorted(relevant))))
    return found


def _differences(old: Any, new: Any) -> list[str]:
    before, after = _meaning(REGISTRY.convert(old)), _meaning(REGISTRY.convert(new))
    if before.get("typename") != after.get("typename"):
        return ["typename"]
    return [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]


def _meaning(settings: dict[str, Any]) -> dict[str, Any]:
    """A spec's settings as the engine reads them, without how the file happened to say it."""
    kept: dict[str, Any] = {}
    for key, value in settings.items():
        if key in _NOISE:
            continue
        if key == "lane":
            value = _lane(value)
        elif key == "event_definition" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k != "name"}  # mirrors bpmn_name
        normal = _normal(value)
        if key in _UNORDERED and isinstance(normal, list):
            normal = sorted(normal, key=repr)
        if normal is not None:
            kept[key] = normal
    return kept


def _normal(value: Any) -> Any:
    """Empty is absent; text is compared without the white space around it and its lines."""
    if isinstance(value, str):
        lines = [line.rstrip() for line in value.replace("\r\n", "\n").split("\n")]
        text = "\n".join(lines).strip()
        return text or None
    if isinstance(value, dict):
        items = {k: _normal(v) for k, v in value.items()}
        kept = {k: v for k, v in items.items() if v is not None}
        return kept or None
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value] or None
    return value


def _lane(name: Any) -> Any:
    """A lane by the organisation kind it names (how the engine reads it), else its name."""
    if not isinstance(name, str):
        return name
    kind = kind_for_lane(name)
    return kind.value if kind is not None else " ".join(name.split()).casefold()
