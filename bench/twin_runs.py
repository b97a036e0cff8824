"""One accepted foreign model run twice, step for step: by Pathways' engine (built and
saved the way cases are) and by plain SpiffWorkflow, to see both take the same path.

A run starts with no data and then, until the case ends or `MAX_STEPS` pass, completes
the first open human step (by element id) with no answers, or else moves the clock to
the earliest waiting timer and fires it. Plain SpiffWorkflow does the same action at the
same moment. The two agree when they complete the same elements in the same order, end
with the same data, and fail (or not) at the same step. Plain SpiffWorkflow gets the
same two readings as Pathways (bare ISO timer text is text; scripts run in the sandbox,
where `print` prints nothing): the bench never runs a foreign script unsandboxed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from pathways import clock
from pathways.engine import Advance, Budget, Pathway
from pathways.engine.scripting import script_engine
from pathways.engine.timer_literals import quote_timer_literals

MAX_STEPS = 40
START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


@dataclass(frozen=True)
class Outcome:
    path: tuple[str, ...]
    data: str
    completed: bool
    failed_at: int | None  # the step that failed, if one did


def _outcome(workflow: BpmnWorkflow, failed_at: int | None) -> Outcome:
    done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id]
    done.sort(key=lambda t: t.last_state_change)
    data = workflow.data if workflow.completed else (done[-1].data if done else {})
    return Outcome(
        tuple(t.task_spec.bpmn_id for t in done),
        repr(sorted(data.items(), key=lambda item: str(item[0]))),
        bool(workflow.completed),
        failed_at,
    )


class _PathwaysSide:
    def __init__(self, spec: str, budget: Budget) -> None:
        self.pathway = Pathway(spec, budget)
        self.advance: Advance | None = None
        self.failed_at: int | None = None

    def act(self, step: int, action: Callable[[], Advance]) -> None:
        try:
            self.advance = action()
        except Exception:  # noqa: BLE001 - a failing step is part of the outcome
            self.failed_at = step

    def outcome(self) -> Outcome:
        if self.advance is None:  # the start failed: nothing ran
            return Outcome((), "[]", False, self.failed_at)
        workflow = self.pathway.load(self.advance.state, self.advance.serializer_version)
        return _outcome(workflow, self.failed_at)


class _PlainSide:
    def __init__(self, parser: SpiffBpmnParser, key: str, budget: Budget) -> None:
        self.budget = budget
        self.workflow = BpmnWorkflow(
            parser.get_spec(key), parser.get_subprocess_specs(key), script_engine=self._engine()
        )
        self.failed_at: int | None = None

    def _engine(self) -> Any:
        return script_engine(self.budget)

    def act(self, step: int, action: Callable[[BpmnWorkflow], None]) -> None:
        # Saved and restored between steps, as Pathways does; a failed step is undone,
        # as its transaction would be.
        saved = _SERIALIZER.serialize_json(self.workflow)
        workflow = _SERIALIZER.deserialize_json(saved)
        workflow.script_engine = self._engine()
        try:
            action(workflow)
            workflow.do_engine_steps()
        except Exception:  # noqa: BLE001 - a failing step is part of the outcome
            self.failed_at = step
            workflow = _SERIALIZER.deserialize_json(saved)
        self.workflow = workflow


def _complete(bpmn_id: str) -> Callable[[BpmnWorkflow], None]:
    def run(workflow: BpmnWorkflow) -> None:
        ready = [
            t
            for t in workflow.get_tasks(state=TaskState.READY, manual=True)
            if t.task_spec.bpmn_id == bpmn_id
        ]
        if not ready:
            raise LookupError(bpmn_id)
        ready[0].run()

    return run


def plain_parser(data: bytes, called: Callable[[str], bytes | None]) -> SpiffBpmnParser:
    """SpiffWorkflow's parser over the model and the files of the processes it calls."""
    parser = SpiffBpmnParser()
    _add(parser, data, "model.bpmn")
    for _ in range(16):
        missing = sorted(parser.get_process_dependencies() - set(parser.process_parsers))
        found = [(key, document) for key in missing if (document := called(key)) is not None]
        if not found:
            break
        for key, document in found:
            _add(parser, document, f"{key}.bpmn")
    return parser


def _add(parser: SpiffBpmnParser, data: bytes, name: str) -> None:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    quote_timer_literals(root)
    parser.add_bpmn_xml(root.getroottree(), name)


def compare(spec: str, parser: SpiffBpmnParser, key: str, budget: Budget) -> str | None:
    """None when both runs agree; otherwise what differed."""
    with clock.frozen(START) as frozen:
        ours = _PathwaysSide(spec, budget)
        ours.act(0, partial(ours.pathway.start, {}))
        plain = _PlainSide(parser, key, budget)
        plain.act(0, _nothing)
        for step in range(1, MAX_STEPS + 1):
            if not _next_step(ours, plain, step, frozen):
                break
        mine, theirs = ours.outcome(), _outcome(plain.workflow, plain.failed_at)
    for what in ("path", "completed", "failed_at", "data"):
        if getattr(mine, what) != getattr(theirs, what):
            return f"{what} differs"
    return None


def _next_step(
    ours: _PathwaysSide, plain: _PlainSide, step: int, frozen: clock.FrozenClock
) -> bool:
    """Take the next action on both sides; False when the run is over."""
    advance = ours.advance
    if advance is None or ours.failed_at is not None or advance.finished:
        return False
    state, version = advance.state, advance.serializer_version
    if advance.open_tasks:
        task = min(advance.open_tasks, key=lambda t: t.bpmn_id)
        ours.act(step, partial(ours.pathway.complete, state, version, task.spiff_id, {}))
        plain.act(step, _complete(task.bpmn_id))
        return True
    if advance.timers:
        due = min(timer.due_at for timer in advance.timers)
        frozen.moment = max(frozen.moment, due) + timedelta(seconds=1)
        ours.act(step, partial(ours.pathway.fire_timers, state, version))
        plain.act(step, BpmnWorkflow.refresh_timers)
        return True
    return False


def _nothing(_workflow: BpmnWorkflow) -> None:
    """The first plain step only runs the engine, as starting a case does."""
