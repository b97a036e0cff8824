"""Running a deployed pathway: start, complete, deliver, fire timers, reopen, cancel.

Every change to a case goes through `Pathway`: load the state, attach the sandboxed
script engine, apply the change, advance to the next waits, and return an `Advance`
with the new state and its projection. Nothing is kept between calls but the spec,
so a failure leaves the stored state untouched.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from threading import Lock
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from pathways.engine.correlation import correlate
from pathways.engine.projection import (
    Advance,
    ThrownMessage,
    describe,
    describe_timer,
    open_human_tasks,
    stuck_at,
    timer_won,
    waiting_timer_tasks,
)
from pathways.engine.sandbox import Budget, ScriptError
from pathways.engine.sandbox_errors import WorkerBusy
from pathways.engine.scripting import ClosedDays, script_engine
from pathways.engine.serialization import (
    SERIALIZER_VERSION,
    SpecBundle,
    dump_state,
    load_spec,
    load_state,
)
from pathways.engine.timing import install_engine_clock
from pathways.errors import Conflict, EngineFailure, InvalidData, ScriptFailure, TaskNotReady

install_engine_clock()


class Pathway:
    """One deployed process version, ready to run cases."""

    def __init__(self, spec_text: str, budget: Budget) -> None:
        self.spec_text = spec_text
        self.bundle: SpecBundle = load_spec(spec_text)
        self.budget = budget

    def start(self, data: dict[str, Any], *, closed_days: ClosedDays | None = None) -> Advance:
        workflow = BpmnWorkflow(
            self.bundle.spec, self.bundle.subprocess_specs, script_engine=self.scripts(closed_days)
        )
        workflow.task_tree.data.update(data)
        with engine_errors():
            workflow.do_engine_steps()
        return advance_of(workflow, Snapshot.empty())

    def complete(
        self,
        state: str,
        version: str,
        task_id: str,
        data: dict[str, Any],
        *,
        closed_days: ClosedDays | None = None,
    ) -> Advance:
        workflow = self.load(state, version, closed_days)
        task = _find(workflow, task_id)
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady("the task is no longer waiting to be completed")
        before = Snapshot.of(workflow)
        with engine_errors():
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
        return advance_of(workflow, before)

    def deliver(
        self,
        state: str,
        version: str,
        name: str,
        payload: Any,
        correlation: Mapping[str, Any] | None = None,
        *,
        closed_days: ClosedDays | None = None,
        then_end: bool = False,
    ) -> Advance:
        """Deliver message `name`; `correlation` gives correlation values by property name.

        With `then_end`, a message that starts an event subprocess of the process ends the
        case instead, its open steps and timers withdrawn.
        """
        workflow = self.load(state, version, closed_days)
        before = Snapshot.of(workflow)
        if then_end and name in self.event_subprocess_messages:
            # SpiffWorkflow 3.2 runs such a subprocess beside the rest of the process even
            # when it is drawn interrupting, and links it into the shared spec for good the
            # first time it starts: every case started later waits for it and never ends.
            # Ending the case is all the subprocess is drawn to do, so it is not started.
            workflow.cancel()
            return advance_of(workflow, before, watch=False)
        message = correlate(workflow, name, payload, correlation or {})
        correlations = message.correlations
        event = BpmnEvent(
            MessageEventDefinition(name), payload=message.payload, correlations=correlations
        )
        try:
            workflow.send_event(event)
        except SpiffWorkflowException:
            raise Conflict(
                "the case is not waiting for a message of that name with these correlation values"
                if correlations
                else "the case is not waiting for a message of that name"
            ) from None
        except ScriptError as error:  # a retrieval expression failed on the payload
            raise InvalidData(
                f"the message's correlation could not be read from its payload: {error.message}"
            ) from None
        with engine_errors():
            workflow.do_engine_steps()
        return advance_of(workflow, before)

    @cached_property
    def event_subprocess_messages(self) -> frozenset[str]:
        """Names of the messages that start an event subprocess of the process itself."""
        found: set[str] = set()
        for spec_name in self.bundle.spec.start.trigger_specs:
            subprocess = self.bundle.subprocess_specs.get(spec_name)
            for start in subprocess.bpmn_start_events if subprocess is not None else ():
                if isinstance(start.event_definition, MessageEventDefinition):
                    found.add(start.event_definition.name)
        return frozenset(found)

    def fire_timers(
        self, state: str, version: str, *, closed_days: ClosedDays | None = None
    ) -> Advance:
        """Run whatever timers are due by `pathways.clock` now."""
        workflow = self.load(state, version, closed_days)
        before = Snapshot.of(workflow)
        with engine_errors():
            workflow.refresh_timers()
            workflow.do_engine_steps()
        return advance_of(workflow, before)

    def reopen(
        self, state: str, version: str, task_id: str, *, closed_days: ClosedDays | None = None
    ) -> Advance:
        """Reset the case to a completed human task: it waits again, what followed it is gone.

        The task's data is taken again from the task before it, so the earlier answers are
        no longer in the engine until the task is completed anew.
        """
        workflow = self.load(state, version, closed_days)
        task = _find(workflow, task_id)
        if task is None or task.state != TaskState.COMPLETED or not task.task_spec.manual:
            raise Conflict("the step is not a completed step of the case")
        before = Snapshot.of(workflow)
        with engine_errors():
            dropped = workflow.reset_from_task_id(task.id)
            # SpiffWorkflow 3.2 leaves dropped catching events (a boundary timer of a step
            # after this one) registered, and the next timer refresh fails on them.
            for gone in dropped:
                workflow.event_manager.remove_task(gone)
            workflow.do_engine_steps()
        return advance_of(workflow, before)

    def cancel(self, state: str, version: str) -> Advance:
        workflow = self.load(state, version)
        before = Snapshot.of(workflow)
        workflow.cancel()
        return advance_of(workflow, before, watch=False)

    def load(self, state: str, version: str, closed_days: ClosedDays | None = None) -> BpmnWorkflow:
        workflow = load_state(state, version, self.spec_text, self.bundle)
        # A restored workflow carries SpiffWorkflow's unrestricted engine: replace it first.
        workflow.script_engine = self.scripts(closed_days)
        return workflow

    def scripts(self, closed_days: ClosedDays | None = None) -> Any:
        """The sandboxed engine; its working-day helpers skip the lane's `closed_days`."""
        return script_engine(self.budget, closed_days)


class Snapshot:
    """Which human tasks and timers were waiting before a change."""

    def __init__(self, tasks: set[str], timers: set[str]) -> None:
        self.tasks = tasks
        self.timers = timers

    @classmethod
    def empty(cls) -> Snapshot:
        return cls(set(), set())

    @classmethod
    def of(cls, workflow: BpmnWorkflow) -> Snapshot:
        return cls(
            {str(t.id) for t in open_human_tasks(workflow)},
            {str(t.id) for t in waiting_timer_tasks(workflow)},
        )


def advance_of(workflow: BpmnWorkflow, before: Snapshot, *, watch: bool = True) -> Advance:
    """The projection of the workflow now; with `watch`, whether it can still move."""
    open_tasks = tuple(describe(t) for t in open_human_tasks(workflow))
    timers = tuple(
        timer for t in waiting_timer_tasks(workflow) if (timer := describe_timer(t)) is not None
    )
    still_open = {t.spiff_id for t in open_tasks}
    still_waiting = {t.spiff_id for t in timers}
    gone = before.tasks - still_open
    completed = {i for i in gone if _state_of(workflow, i) == TaskState.COMPLETED}
    ended = before.timers - still_waiting
    fired = {i for i in ended if _timer_won(workflow, i)}
    return Advance(
        state=dump_state(workflow),
        serializer_version=SERIALIZER_VERSION,
        open_tasks=open_tasks,
        timers=timers,
        opened=tuple(t for t in open_tasks if t.spiff_id not in before.tasks),
        completed=frozenset(completed),
        cancelled=frozenset(gone - completed),
        started_timers=tuple(t for t in timers if t.spiff_id not in before.timers),
        fired_timers=frozenset(fired),
        stopped_timers=frozenset(ended - fired),
        messages=tuple(
            ThrownMessage(e.event_definition.name, e.payload) for e in workflow.get_events()
        ),
        finished=bool(workflow.completed),
        stuck_at=stuck_at(workflow) if watch and not open_tasks else None,
    )


def _find(workflow: BpmnWorkflow, task_id: str) -> Any:
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except (ValueError, TaskNotFoundException):
        return None


def _timer_won(workflow: BpmnWorkflow, task_id: str) -> bool:
    task = _find(workflow, task_id)
    return task is not None and timer_won(task)


def _state_of(workflow: BpmnWorkflow, task_id: str) -> int | None:
    task = _find(workflow, task_id)
    return None if task is None else int(task.state)


@contextmanager
def engine_errors() -> Iterator[None]:
    """Turn SpiffWorkflow's failures into ours, naming the element and the reason."""
    try:
        yield
    except WorkflowTaskException as error:
        element = _element_of(error)
        cause = _script_error(error)
        if cause is not None:
            busy = isinstance(cause, WorkerBusy)
            raise ScriptFailure(f"{element}: {cause.message}", element, busy) from None
        raise EngineFailure(f"{element}: {_first_line(error)}", element) from None
    except SpiffWorkflowException as error:
        raise EngineFailure(_first_line(error)) from None


def _element_of(error: WorkflowTaskException) -> str:
    spec = getattr(error, "task_spec", None) or getattr(
        getattr(error, "task", None), "task_spec", None
    )
    return str(getattr(spec, "bpmn_id", None) or getattr(spec, "name", "process"))


def _script_error(error: BaseException) -> ScriptError | None:
    seen: BaseException | None = error
    for _ in range(8):  # follow a short chain of wrappers to the sandbox's own error
        if seen is None:
            return None
        if isinstance(seen, ScriptError):
            return seen
        seen = getattr(seen, "exception", None) or seen.__cause__ or seen.__context__
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:300]


class SpecCache:
    """Restored specs by version digest, so each version is restored once per process."""

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[tuple[str, Budget], Pathway] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, digest: str, budget: Budget, load: Callable[[], str]) -> Pathway:
        key = (digest, budget)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        pathway = Pathway(load(), budget)
        with self._lock:
            self._items[key] = pathway
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return pathway


PATHWAYS = SpecCache()
