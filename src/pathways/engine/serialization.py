"""Workflow state to JSON and back, with the spec kept once per version.

A case's JSON holds only its state (tasks, data, events). The spec, ten times larger,
is serialized once at deploy and restored once per process from a cache, then handed
to every case of that version as it is loaded.

The text is written and read with orjson, several times faster than the standard
library, under the same format: SpiffWorkflow's registry still turns datetimes,
timedeltas, UUIDs and sets into its tagged dicts, so a state written either way loads
either way and the serializer version does not change. Where orjson would differ, the
standard library does the work: values orjson refuses (integers beyond 64 bits, dict
keys that are not strings, text with lone surrogates) are written by `json`, and text
`json` wrote (older states, and those) is read by `json`, which keeps such integers
and `NaN` exactly where orjson would read a float. The two are told apart by the
separator after the first key: `json` writes `": "`, orjson `":`. A float that is not
a number is written by orjson as `null`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from uuid import UUID

import orjson
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


_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _tagged(value: Any) -> Any:
    """What SpiffWorkflow's JSON encoder makes of a value JSON has no type for."""
    typename = REGISTRY.typenames.get(type(value))
    if typename is not None:
        return REGISTRY.convert_to_dict[typename](value)
    if callable(value) or isinstance(value, ModuleType):
        return None
    if isinstance(value, set):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _dumps(dct: Any) -> str:
    try:
        return orjson.dumps(dct, default=_tagged, option=_ORJSON_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(dct, cls=_SERIALIZER._encoder_cls)


def _loads(text: str) -> Any:
    separator = text.find('":')
    if separator > 0 and text[separator + 2 : separator + 3] != " ":
        return orjson.loads(text)  # orjson wrote it: every number in it reads back exactly
    return json.loads(text)


def dump_spec(spec: Any, subprocess_specs: dict[str, Any]) -> str:
    registry = _SERIALIZER.registry
    return _dumps(
        {
            _VERSION_KEY: SERIALIZER_VERSION,
            "spec": registry.convert(spec),
            "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
        }
    )


def load_spec(text: str) -> SpecBundle:
    dct = _loads(text)
    registry = _SERIALIZER.registry
    return SpecBundle(
        spec=registry.restore(dct["spec"]),
        subprocess_specs={name: registry.restore(s) for name, s in dct["subprocess_specs"].items()},
    )


def dump_state(workflow: BpmnWorkflow) -> str:
    registry = _SERIALIZER.registry
    registry._encoder_mode = True  # lets the registry hand odd values to the JSON encoder
    try:
        return _dumps(_SERIALIZER.to_dict(workflow))
    finally:
        registry._encoder_mode = False


def load_state(text: str, version: str, spec_text: str, bundle: SpecBundle) -> BpmnWorkflow:
    """Restore a case. A state written by an older serializer is migrated in memory."""
    dct = _loads(text)
    if version == SERIALIZER_VERSION:
        workflow: BpmnWorkflow = _SERIALIZER.from_dict(
            dct, spec=bundle.spec, subprocess_specs=bundle.subprocess_specs
        )
        return workflow
    full = _loads(spec_text) | dct
    full[_VERSION_KEY] = version
    _SERIALIZER.migrate(full)
    migrated: BpmnWorkflow = _SERIALIZER.from_dict(full)
    return migrated
