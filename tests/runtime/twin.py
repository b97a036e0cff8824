"""One tiny model run twice with the same steps: through Pathways (services, database,
poller) and through plain SpiffWorkflow, so a test can assert both took the same path
(the completed steps' spec names, in order) and ended with the same data.

The plain run saves and restores the workflow between steps, as Pathways does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from pathways import clock
from pathways.cases import service as cases
from pathways.cases.models import ProcessInstance
from pathways.deadlines.scheduler import Poller
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.settings import Settings
from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from pathways.tasks.models import TaskState as RowState
from tests import factories
from tests.conftest import Database


@dataclass(frozen=True)
class Complete:
    """Complete the first open task of this BPMN id with `data`, as caseworker `login`
    (in Pathways; Anna works for Barsby's municipality)."""

    bpmn_id: str
    data: dict[str, Any] = field(default_factory=dict)
    login: str = "anna"


@dataclass(frozen=True)
class Message:
    name: str
    payload: dict[str, Any] = field(default_factory=dict)
    # property name → value, sent as the correlation of every key that uses the property
    correlation: dict[str, Any] | None = None


@dataclass(frozen=True)
class Wait:
    """Let time pass, then fire what fell due (the poller; refresh_timers in plain runs)."""

    time: timedelta


Step = Complete | Message | Wait


@dataclass(frozen=True)
class Outcome:
    path: list[str]
    data: dict[str, Any]
    completed: bool


def outcome(workflow: BpmnWorkflow) -> Outcome:
    """The BPMN elements completed, in the order they completed, and the final data."""
    done = [
        t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id is not None
    ]
    done.sort(key=lambda t: t.last_state_change)
    last = done[-1].data if done else {}
    data = dict(workflow.data if workflow.completed else last)
    return Outcome([t.task_spec.bpmn_id for t in done], data, bool(workflow.completed))


# --- plain SpiffWorkflow -------------------------------------------------------------

_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def plain_run(
    xml: bytes,
    process_id: str,
    steps: Sequence[Step],
    frozen: clock.FrozenClock,
    data: dict[str, Any] | None = None,
) -> Outcome:
    """The same steps on plain SpiffWorkflow; `frozen` is set back to where it was first."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(etree.fromstring(xml), filename=f"{process_id}.bpmn")
    workflow = BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
    workflow.task_tree.data.update(data or {})
    workflow.do_engine_steps()
    for step in steps:
        workflow = _SERIALIZER.deserialize_json(_SERIALIZER.serialize_json(workflow))
        if isinstance(step, Wait):
            frozen.advance(step.time)
        _plain_step(workflow, step)
    return outcome(workflow)


def _plain_step(workflow: BpmnWorkflow, step: Step) -> None:
    if isinstance(step, Complete):
        ready = [
            t
            for t in workflow.get_tasks(state=TaskState.READY, manual=True)
            if t.task_spec.bpmn_id == step.bpmn_id
        ]
        assert ready, f"plain run: no ready task {step.bpmn_id}"
        ready[0].data.update(step.data)
        ready[0].run()
    elif isinstance(step, Message):
        definition = MessageEventDefinition(step.name)
        correlations = correlations_for(workflow, step)
        workflow.send_event(BpmnEvent(definition, step.payload, correlations))
    else:
        workflow.refresh_timers()
    workflow.do_engine_steps()


def correlations_for(workflow: BpmnWorkflow, step: Message) -> dict[str, Any]:
    """The event's correlations as SpiffWorkflow wants them: key → {property: value}."""
    if not step.correlation:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        for inner in getattr(definition, "event_definitions", [definition]):
            if getattr(inner, "name", None) != step.name:
                continue
            for prop in getattr(inner, "correlation_properties", []):
                if prop.name in step.correlation:
                    for key in prop.correlation_keys:
                        found.setdefault(key, {})[prop.name] = step.correlation[prop.name]
    return found


# --- Pathways ------------------------------------------------------------------------


@dataclass
class PathwaysRun:
    """A case of the model run through the services, the database and the poller."""

    db: Database
    settings: Settings
    frozen: clock.FrozenClock
    case_id: int = 0
    seeded: bool = False  # the team exists already (an API test's seed)

    def start(self, xml: bytes, data: dict[str, Any] | None = None) -> PathwaysRun:
        with self.db.tx() as s:
            if not self.seeded:
                factories.team(s)
            processes.deploy(s, data=xml, actor=Actor.operator(), settings=self.settings)
        with self.db.tx() as s:
            key = _process_id(xml)
            self.case_id = factories.start(s, self.settings, key, data=data).id
        return self

    def run(self, steps: Sequence[Step]) -> PathwaysRun:
        for step in steps:
            self.step(step)
        return self

    def step(self, step: Step) -> None:
        if isinstance(step, Complete):
            with self.db.tx() as s:
                task = factories.open_task(s, self.case_id, step.bpmn_id)
                tasks.complete(
                    s,
                    task_id=task.id,
                    data=step.data,
                    actor=factories.actor(s, step.login),
                    settings=self.settings,
                )
        elif isinstance(step, Message):
            with self.db.tx() as s:
                cases.deliver_message(
                    s,
                    instance_id=self.case_id,
                    name=step.name,
                    payload=step.payload,
                    correlation=step.correlation,
                    actor=Actor.operator(),
                    settings=self.settings,
                )
        else:
            self.frozen.advance(step.time)
            Poller(self.settings, engine=self.db.engine, now_source=_frozen_now).run_once()

    def outcome(self) -> Outcome:
        with self.db.tx() as s:
            instance = s.get(ProcessInstance, self.case_id)
            assert instance is not None
            pathway = processes.pathway_for(instance.version, self.settings)
            return outcome(pathway.load(instance.workflow_state, instance.serializer_version))

    def tasks(self, session: Session, bpmn_id: str) -> list[Task]:
        return [t for t in cases.tasks_of(session, self.case_id) if t.bpmn_id == bpmn_id]

    def open_tasks(self, bpmn_id: str) -> list[Task]:
        with self.db.tx() as s:
            return [t for t in self.tasks(s, bpmn_id) if t.state == RowState.OPEN]


def _frozen_now(_session: Session) -> Any:
    return clock.now()


def _process_id(xml: bytes) -> str:
    root = etree.fromstring(xml)
    ids = root.xpath("//*[local-name()='process' and @isExecutable='true']/@id")
    return str(ids[0])


def twins(
    run: PathwaysRun, xml: bytes, steps: Sequence[Step], data: dict[str, Any] | None = None
) -> tuple[Outcome, Outcome]:
    """Run the steps through Pathways, then (the clock set back) through plain SpiffWorkflow."""
    began = run.frozen.moment
    ours = run.start(xml, data).run(steps).outcome()
    run.frozen.set(began)
    theirs = plain_run(xml, _process_id(xml), steps, run.frozen, data)
    return ours, theirs
