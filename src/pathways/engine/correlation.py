"""Which waiting catch events a message is for, and the correlation it carries.

SpiffWorkflow delivers a message whose definition has correlation properties only when
the event's correlations (correlation key → {property: value}) match the values the
case holds; a message sent without them is never delivered. Here the values come from
the caller (by property name) or else from the payload, read with the property's
retrieval expression in the sandbox, and a message that has neither is refused with
the names it needs.

SpiffWorkflow reads the properties from the payload again when the message is caught
and fails if it cannot, so a value given only as correlation is put into the payload
under the property's name when its retrieval expression is that plain name; otherwise
the payload must hold it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    CorrelationProperty,
    MessageEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from pathways.errors import InvalidData


@dataclass(frozen=True)
class Correlated:
    correlations: dict[str, dict[str, Any]]  # correlation key → {property: value}
    payload: Any


def correlate(
    workflow: BpmnWorkflow, name: str, payload: Any, given: Mapping[str, Any]
) -> Correlated:
    """The event's correlations and payload for message `name`, or why it cannot be sent."""
    definitions = list(_waiting_definitions(workflow, name))
    if not definitions:  # SpiffWorkflow decides (a process the message would start, say)
        return Correlated({}, payload)
    properties = {p.name: p for d in definitions for p in d.correlation_properties}
    unknown = sorted(set(given) - set(properties))
    if unknown:
        raise InvalidData(f"the message has no correlation property {_names(unknown)}")
    correlations: dict[str, dict[str, Any]] = {}
    missing = []
    for prop in properties.values():
        read, value = _read(workflow, prop, payload)
        if prop.name in given:
            if read and value != given[prop.name]:
                raise InvalidData(f"the payload holds another value of {_names([prop.name])}")
            value = given[prop.name]
            if not read:
                payload = _carrying(prop, payload, value)
        elif not read:
            missing.append(prop.name)
            continue
        for key in prop.correlation_keys:
            correlations.setdefault(key, {})[prop.name] = value
    if missing:
        raise InvalidData(
            f"the message is correlated: send the value of {_names(sorted(missing))}"
            ' in "correlation" or in the payload'
        )
    return Correlated(correlations, payload)


def _waiting_definitions(workflow: BpmnWorkflow, name: str) -> Iterator[MessageEventDefinition]:
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        inner = (
            definition.event_definitions
            if isinstance(definition, MultipleEventDefinition)
            else [definition]
        )
        for candidate in inner:
            if isinstance(candidate, MessageEventDefinition) and candidate.name == name:
                yield candidate


def _read(workflow: BpmnWorkflow, prop: CorrelationProperty, payload: Any) -> tuple[bool, Any]:
    if not isinstance(payload, dict) or not prop.retrieval_expression:
        return False, None
    try:  # the model's expression: only in the sandbox
        return True, workflow.script_engine.environment.evaluate(prop.retrieval_expression, payload)
    except Exception:  # noqa: BLE001 — the payload does not hold it: say what is missing
        return False, None


def _carrying(prop: CorrelationProperty, payload: Any, value: Any) -> Any:
    """The payload, holding the property where the catching event will read it."""
    expression = (prop.retrieval_expression or "").strip()
    if isinstance(payload, dict) and expression.isidentifier():
        return {**payload, expression: value}
    raise InvalidData(
        f"the payload must hold {_names([prop.name])}: the model reads it with an expression"
    )


def _names(names: list[str]) -> str:
    return ", ".join(repr(n[:60]) for n in names[:10])
