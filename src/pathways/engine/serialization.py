"""Workflow state to JSON and back, with the spec kept once per version.

A case's JSON holds only its state (tasks, data, events). The spec, ten times larger,
is serialized once at deploy and restored once per process from a cache, then handed
to every case of that version as it is loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

SERIALIZER_VERSION: str = VERSION
_VERSION_KEY = BpmnWorkflowSerializer.VERSION_KEY


class _StateConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Leaves the spec out on the way out; takes a restored one on the way in."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], **specs: Any) -> BpmnWorkflow:
        if "spec" in dct:  # a full serialization, e.g. one migrated from an older format
            return super().from_dict(dct)
        workflow = BpmnWorkflow(specs["spec"], specs["subprocess_specs"], deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _StateConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


_SERIALIZER = _make_serializer()
# Converts specs to plain dicts and back; SpiffWorkflow's diff compares specs through it.
REGISTRY: Any = _SERIALIZER.registry


@dataclass(frozen=True)
class SpecBundle:
    """A process spec and the specs of the processes it calls, restored and shared."""

    spec: Any
    subprocess_specs: dict[str, Any]


def dump_spec(spec: Any, subprocess_specs: dict[str, Any]) -> str:
    registry = _SERIALIZER.registry
    return json.dumps(
        {
            _VERSION_KEY: SERIALIZER_VERSION,
            "spec": registry.convert(spec),
            "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
        }
    )


def load_spec(text: str) -> SpecBundle:
    dct = json.loads(text)
    registry = _SERIALIZER.registry
    return SpecBundle(
        spec=registry.restore(dct["spec"]),
        subprocess_specs={name: registry.restore(s) for name, s in dct["subprocess_specs"].items()},
    )


def dump_state(workflow: BpmnWorkflow) -> str:
    registry = _SERIALIZER.registry
    registry._encoder_mode = True  # lets the registry hand odd values to the JSON encoder
    try:
        return json.dumps(_SERIALIZER.to_dict(workflow), cls=_SERIALIZER._encoder_cls)
    finally:
        registry._encoder_mode = False


def load_state(text: str, version: str, spec_text: str, bundle: SpecBundle) -> BpmnWorkflow:
    """Restore a case. A state written by an older serializer is migrated in memory."""
    dct = json.loads(text)
    if version == SERIALIZER_VERSION:
        workflow: BpmnWorkflow = _SERIALIZER.from_dict(
            dct, spec=bundle.spec, subprocess_specs=bundle.subprocess_specs
        )
        return workflow
    full = json.loads(spec_text) | dct
    full[_VERSION_KEY] = version
    _SERIALIZER.migrate(full)
    migrated: BpmnWorkflow = _SERIALIZER.from_dict(full)
    return migrated
