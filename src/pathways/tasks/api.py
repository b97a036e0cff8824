"""Routes for tasks: the queue, one task with its form, and the work on it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query

from pathways.cases import service as cases
from pathways.edge.caller import CallDep, Tx
from pathways.edge.faults import crash_point
from pathways.edge.idempotent import run_once
from pathways.edge.params import RowId, RowIdQuery
from pathways.record import reopening
from pathways.record import service as record
from pathways.record.schemas import EntryOut, RecipientOut, RecordedTaskOut, ReopeningOut
from pathways.tasks import service as tasks
from pathways.tasks.models import TaskState
from pathways.tasks.schemas import AssignIn, CompleteIn, CompletionOut, TaskDetailOut, TaskOut

router = APIRouter(prefix="/api/tasks", tags=["tasks"])
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", description="retries return the first answer")
]
Purpose = Annotated[
    str, Header(alias="X-Purpose", max_length=200, description="why client data is read")
]


@router.get("")
def list_tasks(
    call: CallDep,
    organisation: Annotated[str | None, Query(max_length=64)] = None,
    state: TaskState | None = TaskState.OPEN,
    assignee: Annotated[str | None, Query(max_length=64)] = None,
    model: Annotated[str | None, Query(max_length=128)] = None,
    instance: RowIdQuery = None,
    overdue: bool = False,
    due_before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[TaskOut]:
    """Tasks of the caller's organisation (all organisations for admins), soonest due first."""
    where = tasks.TaskFilter(
        instance_id=instance,
        organisation=organisation,
        state=state,
        assignee=assignee,
        model=model,
        overdue=overdue,
        due_before=due_before,
        limit=limit,
    )
    with call.begin() as tx:
        return [TaskOut.of(t) for t in tasks.list_visible(tx.session, where=where, actor=tx.actor)]


@router.get("/{task_id}")
def read_task(task_id: RowId, call: CallDep, purpose: Purpose = "task") -> RecordedTaskOut:
    """The task with its documentation, form, the client's essentials, its recorded answers
    and what other organisations shared for it (a logged read)."""
    with call.begin() as tx:
        task = tasks.read(tx.session, task_id=task_id, actor=tx.actor, purpose=purpose)
        instance = cases.get(tx.session, task.instance_id)
        found = record.for_task(
            tx.session, actor=tx.actor, task=task, instance=instance, purpose=purpose
        )
        readable = {a.field for a in found.answers.answers} if found.answers else set()
        return RecordedTaskOut(
            **TaskDetailOut.detail(task, instance).model_dump(),
            answers=EntryOut.of(found.answers) if found.answers else None,
            shared_with_you=[EntryOut.of(e) for e in found.shared_with_you],
            shared_by_this_step=[RecipientOut.of(r) for r in found.recipients],
            consent_awaited=found.consent_awaited,
            reopenable=reopening.is_reopenable(instance, task),
            reopenings=[
                ReopeningOut(
                    task_id=r.task_id,
                    reopened_at=r.reopened_at,
                    reopened_by=r.reopened_by,
                    reason=r.reason,
                    previous={k: v for k, v in r.previous.items() if k in readable},
                )
                for r in reopening.reopenings_of(tx.session, task.id)
            ],
        )


@router.post("/{task_id}/claim")
def claim(task_id: RowId, call: CallDep) -> TaskOut:
    with call.begin() as tx:
        return TaskOut.of(tasks.claim(tx.session, task_id=task_id, actor=tx.actor))


@router.post("/{task_id}/release")
def release(task_id: RowId, call: CallDep) -> TaskOut:
    with call.begin() as tx:
        return TaskOut.of(tasks.release(tx.session, task_id=task_id, actor=tx.actor))


@router.post("/{task_id}/assign")
def assign(task_id: RowId, body: AssignIn, call: CallDep) -> TaskOut:
    with call.begin() as tx:
        # The notice is queued in this transaction; the mail round sends it after commit.
        task = tasks.assign(
            tx.session,
            task_id=task_id,
            assignee=body.assignee,
            actor=tx.actor,
            settings=tx.settings,
        )
        return TaskOut.of(task)


@router.post(
    "/{task_id}/complete",
    response_model=CompletionOut,
    responses={409: {"description": "the task is no longer open"}},
)
def complete(task_id: RowId, body: CompleteIn, call: CallDep, key: IdempotencyKey = None) -> Any:
    """Complete the task with its form's data; the case runs on to its next steps."""

    def work(tx: Tx) -> tuple[int, CompletionOut]:
        done = tasks.complete(
            tx.session, task_id=task_id, data=body.data, actor=tx.actor, settings=tx.settings
        )
        tx.session.flush()
        crash_point(tx.settings, "before_commit")
        return 200, CompletionOut(
            task=TaskOut.of(done.task),
            opened=[TaskOut.of(t) for t in done.opened],
            case_finished=done.case_finished,
        )

    answer = run_once(
        call,
        key=key,
        route=f"POST /api/tasks/{task_id}/complete",
        request=body.model_dump(),
        work=work,
    )
    crash_point(call.settings, "after_commit")  # committed, the caller not yet told
    return answer
