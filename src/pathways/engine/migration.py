"""Moving a running case from one version of its pathway to another.

SpiffWorkflow's diff aligns the old version's elements with the new one's by id (and
by shape where ids changed); `migrate_workflow` then points each task at its new
element and re-plans what is ready or waiting. A case can move only when every
element it has reached or waits at still exists. Its waiting timers keep the due
times they had: moving a case never restarts its deadlines.

Whether a case can move is decided by moving it in memory, advancing it, and reloading
it on the new version; nothing is stored unless all of that succeeded.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from pathways.engine.projection import Advance, waiting_timer_tasks
from pathways.engine.runtime import Pathway, Snapshot, advance_of, engine_errors
from pathways.engine.serialization import REGISTRY, SERIALIZER_VERSION
from pathways.errors import N_, NotMigratable, PathwaysError, Text

# Tasks that only predict the future; they are re-planned, so their elements may go.
_PREDICTED = TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE


def migrate(source: Pathway, target: Pathway, state: str, version: str) -> Advance:
    """The case's state moved onto `target`, advanced to its next waits.

    Raises `NotMigratable` with the reason when the case cannot move.
    """
    workflow = source.load(state, version)
    before = Snapshot.of(workflow)
    due = {t.id: dict(t.internal_data) for t in waiting_timer_tasks(workflow)}
    new_specs = target.bundle.subprocess_specs
    top_diff, sub_diffs = diff_workflow(REGISTRY, workflow, target.bundle.spec, new_specs)
    _refuse_if_stranded(workflow, top_diff, sub_diffs)
    try:
        migrate_workflow(top_diff, workflow, target.bundle.spec)
        for sub_id, sub_diff in sub_diffs.items():
            sub = workflow.subprocesses[sub_id]
            migrate_workflow(sub_diff, sub, new_specs[sub.spec.name])
        workflow.subprocess_specs = new_specs
        _keep_due_times(workflow, due)
    except (SpiffWorkflowException, KeyError, AttributeError) as error:
        raise NotMigratable(
            Text("the engine could not move it: {reason}", reason=_first_line(error))
        ) from None
    workflow.script_engine = target.scripts()
    try:
        with engine_errors():
            workflow.do_engine_steps()
    except PathwaysError as error:
        reason = error.text or error.message
        raise NotMigratable(
            Text("it would fail on the new version: {reason}", reason=reason)
        ) from None
    advance = advance_of(workflow, before)
    _reloads(advance.state, target)
    return advance


def _refuse_if_stranded(workflow: BpmnWorkflow, top_diff: Any, sub_diffs: dict[Any, Any]) -> None:
    """Refuse when a task the case reached, or waits at, has no element in the new version."""
    for sub_id, sub_diff in sub_diffs.items():
        if sub_diff is None:
            name = workflow.subprocesses[sub_id].spec.name
            raise NotMigratable(
                Text("it is inside process '{process}', which the new version lacks", process=name)
            )
    for diff in [top_diff, *sub_diffs.values()]:
        for task in diff.removed:
            if task.state & _PREDICTED:
                continue  # only a forecast: re-planned on the new version
            spec = task.task_spec
            template = (
                N_("it is at '{name}' ({element}), which the new version does not have")
                if task.state & (TaskState.READY | TaskState.WAITING)
                else N_("it passed '{name}' ({element}), which the new version does not have")
            )
            raise NotMigratable(
                Text(
                    template,
                    name=str(spec.bpmn_name or spec.bpmn_id or spec.name),
                    element=str(spec.bpmn_id or spec.name),
                )
            )


def _keep_due_times(workflow: BpmnWorkflow, due: dict[Any, dict[str, Any]]) -> None:
    # Re-planning a waiting timer would compute its due time afresh from now.
    for task in waiting_timer_tasks(workflow):
        kept = due.get(task.id, {}).get("event_value")
        if kept is not None:
            task.internal_data["event_value"] = kept


def _reloads(state: str, target: Pathway) -> None:
    try:
        target.load(state, SERIALIZER_VERSION)
    except Exception as error:  # noqa: BLE001 — any failure to reload means "do not move"
        raise NotMigratable(
            Text("it would not load on the new version: {reason}", reason=_first_line(error))
        ) from None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:300]
