"""What the rest of Pathways sees of a workflow: plain, typed, SpiffWorkflow-free values.

`task` and `timer` rows are rewritten from these after every change, so lists,
dashboards and the poller never load a workflow to answer a query.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from pathways.organisation_kinds import is_lead_lane

TimerKind = Literal["duration", "date", "cycle"]


@dataclass(frozen=True)
class OpenTask:
    """A human task waiting for someone."""

    spiff_id: str
    bpmn_id: str
    name: str
    lane: str | None
    documentation: str | None
    form: str | None
    ui_form: str | None
    due_in: str | None
    due_in_working_days: int | None


@dataclass(frozen=True)
class WaitingTimer:
    """A timer event the case waits on, and the activity it is attached to, if any."""

    spiff_id: str
    bpmn_id: str
    kind: TimerKind
    due_at: datetime
    attached_to: str | None
    interrupting: bool


@dataclass(frozen=True)
class ThrownMessage:
    name: str
    payload: Any


@dataclass(frozen=True)
class Advance:
    """The result of one change to a case, ready to be written in one transaction.

    Besides what is open and waiting now, it says exactly what changed, so projections
    write the differences without reading back what they wrote before.
    """

    state: str
    serializer_version: str
    open_tasks: tuple[OpenTask, ...]
    timers: tuple[WaitingTimer, ...]
    opened: tuple[OpenTask, ...]
    completed: frozenset[str]
    cancelled: frozenset[str]
    started_timers: tuple[WaitingTimer, ...]
    fired_timers: frozenset[str]
    stopped_timers: frozenset[str]
    messages: tuple[ThrownMessage, ...]
    finished: bool
    stuck_at: str | None = None  # the element of a case that can no longer move


def open_human_tasks(workflow: BpmnWorkflow) -> list[Task]:
    tasks: list[Task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    return tasks


def describe(task: Task) -> OpenTask:
    spec = task.task_spec
    properties: dict[str, str] = (getattr(spec, "extensions", None) or {}).get("properties", {})
    working_days = properties.get("dueInWorkingDays")
    return OpenTask(
        spiff_id=str(task.id),
        bpmn_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        lane=lane_of(task),
        documentation=spec.documentation,
        form=properties.get("formJsonSchemaFilename"),
        ui_form=properties.get("formUiSchemaFilename"),
        due_in=properties.get("dueIn"),
        due_in_working_days=int(working_days) if working_days is not None else None,
    )


def lane_of(task: Task) -> str | None:
    """The task's lane. Tasks of a called process in no lane, or in the lane "Lead
    organisation", take the lane of the call activity (SpiffWorkflow gives them none)."""
    lane: str | None = task.task_spec.lane
    workflow = task.workflow
    while (lane is None or is_lead_lane(lane)) and isinstance(workflow, BpmnSubWorkflow):
        caller = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        lane = caller.task_spec.lane
        workflow = caller.workflow
    return lane


def stuck_at(workflow: BpmnWorkflow) -> str | None:
    """Where a case that can no longer move waits, or None while it can move.

    It can move while it is finished, has a task ready or running, or waits on an event
    (a timer, a message, a signal …). What else waits (a join whose other branch ended
    elsewhere, say) never moves again: its element, or else the last one completed.
    """
    if workflow.completed:
        return None
    stalled = []
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.STARTED | TaskState.WAITING):
        if task.state != TaskState.WAITING or isinstance(task.task_spec, CatchingEvent):
            return None
        if task.task_spec.bpmn_id is not None and not isinstance(task.task_spec, SubWorkflowTask):
            stalled.append(task)
    if stalled:
        return str(stalled[0].task_spec.bpmn_id)
    done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id]
    return (
        str(max(done, key=lambda t: t.last_state_change).task_spec.bpmn_id) if done else "process"
    )


def waiting_timer_tasks(workflow: BpmnWorkflow) -> Iterator[Task]:
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if timer_definition(task.task_spec) is not None:
            yield task


def timer_definition(spec: Any) -> TimerEventDefinition | None:
    """The timer a catching task waits on, if any.

    An event-based gateway holds the events of all its branches itself (SpiffWorkflow
    moves them from the branches' catch events onto the gateway), as does a catch event
    with several definitions: the timer is then one of a `MultipleEventDefinition`.
    """
    if not isinstance(spec, CatchingEvent):
        return None
    definition = spec.event_definition
    if isinstance(definition, TimerEventDefinition):
        return definition
    if isinstance(definition, MultipleEventDefinition):
        for inner in definition.event_definitions:
            if isinstance(inner, TimerEventDefinition):
                return inner
    return None


def timer_won(task: Task) -> bool:
    """Whether a timer task that stopped waiting ran because its timer fell due.

    A task waiting on several events (an event-based gateway) also stops when another
    of them, say a message, arrives first: then its timer was cancelled, not fired.
    """
    if task.state not in (TaskState.READY, TaskState.COMPLETED):
        return False
    if not isinstance(task.task_spec.event_definition, MultipleEventDefinition):
        return True
    seen = task.internal_data.get("seen_events") or []
    return any(isinstance(e.event_definition, TimerEventDefinition) for e in seen)


def describe_timer(task: Task) -> WaitingTimer | None:
    """The timer's due time, or None while the engine has not computed it yet."""
    definition = timer_definition(task.task_spec)
    value = task.internal_data.get("event_value")
    if value is None or definition is None:
        return None
    kind: TimerKind
    if isinstance(definition, CycleTimerEventDefinition):
        kind, due = "cycle", datetime.fromisoformat(value["next"])
    elif isinstance(definition, DurationTimerEventDefinition):
        kind, due = "duration", TimerEventDefinition.get_datetime(value)
    else:
        kind, due = "date", TimerEventDefinition.parse_time_or_duration(value)
    attached = _attached_activity(task)
    return WaitingTimer(
        spiff_id=str(task.id),
        bpmn_id=_timer_element(task, definition),
        kind=kind,
        due_at=_plain_utc(due),
        attached_to=str(attached.id) if attached is not None else None,
        interrupting=bool(getattr(task.task_spec, "cancel_activity", True)),
    )


def _timer_element(task: Task, definition: TimerEventDefinition) -> str:
    """The BPMN id of the timer event: behind a gateway, the branch's catch event."""
    spec = task.task_spec
    if isinstance(spec, EventBasedGateway):
        for index, inner in enumerate(spec.event_definition.event_definitions):
            if inner is definition and index < len(spec.outputs):
                return str(spec.outputs[index].bpmn_id)
    return str(spec.bpmn_id)


def _plain_utc(moment: datetime) -> datetime:
    # The engine's clock hands out a datetime subclass; keep it out of our values.
    utc = moment.astimezone(UTC)
    return datetime.combine(utc.date(), utc.time(), UTC)


def _attached_activity(task: Task) -> Task | None:
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    for sibling in parent.children:
        if sibling is not task and not isinstance(sibling.task_spec, CatchingEvent):
            return sibling
    return None
