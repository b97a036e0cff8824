"""Running a pathway on a sample case in memory, with a simulated clock.

The run jumps from event to event: a caseworker completes a ready task after the
time its scripted answer says (at once without one), or the earliest waiting timer
fires. It records the elements passed in order, the human steps with when they opened
and closed, and every timer with its due time and what became of it. Nothing is
stored; the clock is simulated for this thread only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from pathways import clock
from pathways.engine.projection import (
    OpenTask,
    describe,
    describe_timer,
    open_human_tasks,
    timer_won,
    waiting_timer_tasks,
)
from pathways.engine.runtime import Pathway, engine_errors
from pathways.errors import PathwaysError


@dataclass(frozen=True)
class Answer:
    """What the caseworker enters in a task, and how long after it opens."""

    data: dict[str, Any] = field(default_factory=dict)
    after: timedelta = timedelta(0)


@dataclass(frozen=True)
class Passed:
    element_id: str
    name: str | None
    at: datetime


@dataclass
class HumanStep:
    task: OpenTask
    ready_at: datetime
    completed_at: datetime | None = None


@dataclass
class TimerRun:
    element_id: str
    name: str | None
    attached_to: str | None
    interrupting: bool
    started_at: datetime
    due_at: datetime
    outcome: str = "waiting"  # waiting, fired, cancelled
    ended_at: datetime | None = None


class StopKind(StrEnum):
    """Why a run ended before an end event."""

    ERROR = "error"  # a script, condition or the engine failed
    WAITING = "waiting"  # a message or signal that nobody sends in a dry run
    HORIZON = "horizon"  # nothing happens within the horizon (a far timer)
    LIMIT = "limit"  # too many events (a loop)


@dataclass
class DryRun:
    path: list[Passed]
    steps: list[HumanStep]
    timers: list[TimerRun]
    finished: bool = False
    stopped: str | None = None
    stop_kind: StopKind | None = None
    # The elements the run stopped on: the failing one, or those still waiting.
    stopped_at: list[str] = field(default_factory=list)

    def stop(self, kind: StopKind, reason: str, elements: list[str]) -> None:
        self.stop_kind, self.stopped, self.stopped_at = kind, reason, elements


def dry_run(
    pathway: Pathway,
    data: dict[str, Any],
    answers: Mapping[str, Answer],
    *,
    start: datetime,
    horizon: timedelta,
    max_events: int = 200,
) -> DryRun:
    """Run the case from its start until it ends, stalls, or passes `horizon`."""
    with clock.simulated(start) as simulated:
        run = _Recorder()
        workflow = BpmnWorkflow(
            pathway.bundle.spec, pathway.bundle.subprocess_specs, script_engine=pathway.scripts()
        )
        workflow.task_tree.data.update(data)
        try:
            with engine_errors():
                workflow.do_engine_steps()
                run.record(workflow)
                for _ in range(max_events):
                    if workflow.completed:
                        run.result.finished = True
                        break
                    moment = _next_event(workflow, run, answers)
                    if moment is None:
                        run.result.stop(
                            StopKind.WAITING,
                            "the case waits for a message or signal",
                            _waiting_elements(workflow),
                        )
                        break
                    if moment > start + horizon:
                        run.result.stop(
                            StopKind.HORIZON,
                            f"nothing happens within {horizon.days} days",
                            _waiting_elements(workflow),
                        )
                        break
                    simulated.set(moment)
                    _step(workflow, run, answers, simulated)
                    run.record(workflow)
                else:
                    run.result.stop(
                        StopKind.LIMIT,
                        f"stopped after {max_events} events",
                        _waiting_elements(workflow),
                    )
        except PathwaysError as error:
            run.record(workflow)  # what the case passed before the failing element
            element = getattr(error, "element", None)
            run.result.stop(StopKind.ERROR, error.message, [element] if element else [])
        return run.result


def _waiting_elements(workflow: BpmnWorkflow) -> list[str]:
    """The BPMN ids of the tasks the case waits in (events, timers, open steps)."""
    waiting = workflow.get_tasks(state=TaskState.WAITING | TaskState.READY)
    return sorted({t.task_spec.bpmn_id for t in waiting if t.task_spec.bpmn_id is not None})


def _due(step: HumanStep, answers: Mapping[str, Answer]) -> datetime:
    return step.ready_at + answers.get(step.task.bpmn_id, Answer()).after


def _next_event(
    workflow: BpmnWorkflow, run: _Recorder, answers: Mapping[str, Answer]
) -> datetime | None:
    moments = [_due(run.open[str(t.id)], answers) for t in open_human_tasks(workflow)]
    moments += [t.due_at for t in run.timers.values() if t.outcome == "waiting"]
    return min(moments, default=None)


def _step(
    workflow: BpmnWorkflow,
    run: _Recorder,
    answers: Mapping[str, Answer],
    simulated: clock.FrozenClock,
) -> None:
    """Complete the task whose time has come, or else fire the timers that are due."""
    now = clock.now()
    for task in open_human_tasks(workflow):
        step = run.open[str(task.id)]
        if _due(step, answers) <= now:
            task.data.update(answers.get(step.task.bpmn_id, Answer()).data)
            task.run()
            workflow.do_engine_steps()
            return
    simulated.advance(_TICK)  # the engine fires a timer only once its moment has passed
    workflow.refresh_timers()
    workflow.do_engine_steps()


_TICK = timedelta(milliseconds=1)


class _Recorder:
    """Notices, after each event, what the case passed, opened and started."""

    def __init__(self) -> None:
        self.result = DryRun(path=[], steps=[], timers=[])
        self.open: dict[str, HumanStep] = {}
        self.timers: dict[str, TimerRun] = {}
        self.seen: set[str] = set()

    def record(self, workflow: BpmnWorkflow) -> None:
        now = clock.now()
        self._passed(workflow, now)
        ready = {str(t.id): t for t in open_human_tasks(workflow)}
        for spiff_id, step in list(self.open.items()):
            if spiff_id not in ready:
                step.completed_at = now
                del self.open[spiff_id]
        for spiff_id, task in ready.items():
            if spiff_id not in self.open:
                self.open[spiff_id] = HumanStep(describe(task), now)
                self.result.steps.append(self.open[spiff_id])
        self._timers(workflow, now)

    def _passed(self, workflow: BpmnWorkflow, now: datetime) -> None:
        done = [
            t
            for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if str(t.id) not in self.seen and t.task_spec.bpmn_id is not None
        ]
        for task in sorted(done, key=lambda t: t.last_state_change):
            self.seen.add(str(task.id))
            spec = task.task_spec
            self.result.path.append(Passed(spec.bpmn_id, spec.bpmn_name, now))

    def _timers(self, workflow: BpmnWorkflow, now: datetime) -> None:
        waiting = {}
        for task in waiting_timer_tasks(workflow):
            timer = describe_timer(task)
            if timer is not None:
                waiting[timer.spiff_id] = (task, timer)
        for spiff_id, run in list(self.timers.items()):
            if run.outcome != "waiting":
                continue
            current = waiting.get(spiff_id)
            if current is not None and current[1].due_at == run.due_at:
                continue
            gone = workflow.get_task_from_id(UUID(spiff_id)) if current is None else None
            fired = current is not None or (gone is not None and timer_won(gone))
            run.outcome, run.ended_at = ("fired" if fired else "cancelled"), now
            del self.timers[spiff_id]
        for spiff_id, (task, timer) in waiting.items():
            if spiff_id not in self.timers:
                self.timers[spiff_id] = self._timer_run(task, timer, now)

    def _timer_run(self, task: Any, timer: Any, now: datetime) -> TimerRun:
        attached = None
        if timer.attached_to is not None:
            activity = task.workflow.get_task_from_id(UUID(timer.attached_to))
            attached = activity.task_spec.bpmn_id if activity is not None else None
        run = TimerRun(
            element_id=timer.bpmn_id,
            name=task.task_spec.bpmn_name,
            attached_to=attached,
            interrupting=timer.interrupting,
            started_at=now,
            due_at=timer.due_at,
        )
        self.result.timers.append(run)
        return run
