"""The one way a case changes: lock it, advance it, write state and projections together."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from pathways import clock, engine
from pathways.cases.models import InstanceState, ProcessInstance
from pathways.db.base import table_of
from pathways.deadlines.service import project_timers
from pathways.errors import Conflict, NotFound, TaskNotReady
from pathways.incidents.opening import open_stuck
from pathways.people import directory
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskState
from pathways.tasks.projection import project_tasks


def lock_instance(session: Session, instance_id: int) -> ProcessInstance:
    """The case row, locked for this transaction and re-read after the lock.

    PostgreSQL takes a row lock (`FOR UPDATE`); SQLite's `BEGIN IMMEDIATE` has already
    serialised writers. Either way, a writer that waited sees the winner's changes.
    """
    instance = _locked(session, ProcessInstance.id == instance_id)
    if instance is None:
        raise NotFound(f"no case {instance_id}")
    return instance


def lock_task(session: Session, task_id: int) -> tuple[ProcessInstance, Task]:
    """The task's case, locked, and the task as it stands after the lock.

    Whatever its state: the caller checks permission first and `require_open` after, so
    nobody learns the state of a task they may not touch.
    """
    row = session.execute(_LOCK_TASK, {"task_id": task_id}).first()
    if row is None:
        raise NotFound(f"no task {task_id}")
    instance, task = row
    return instance, task


def lock_task_and_stamp(session: Session, task_id: int) -> tuple[ProcessInstance, Task, str | None]:
    """As `lock_task`, with the directory stamp read in the same statement: the write
    path then finds the team's organisations in this process's cache without a query."""
    row = session.execute(_LOCK_TASK_AND_STAMP, {"task_id": task_id}).first()
    if row is None:
        raise NotFound(f"no task {task_id}")
    instance, task, stamp = row
    return instance, task, stamp


def require_open(task: Task) -> None:
    if task.state != TaskState.OPEN:
        raise TaskNotReady(f"task {task.id} is {task.state}")


_LOCK_TASK = (
    select(ProcessInstance, Task)
    .join(Task, Task.instance_id == ProcessInstance.id)
    .where(Task.id == bindparam("task_id"))
    .with_for_update(of=ProcessInstance)
    .execution_options(populate_existing=True)
)
_LOCK_TASK_AND_STAMP = _LOCK_TASK.add_columns(directory.stamp_column())


def _locked(session: Session, condition: ColumnElement[bool]) -> ProcessInstance | None:
    return session.scalar(
        select(ProcessInstance)
        .where(condition)
        .with_for_update(of=ProcessInstance)
        .execution_options(populate_existing=True)
    )


def require_running(instance: ProcessInstance) -> None:
    if instance.state != InstanceState.RUNNING:
        raise TaskNotReady(f"case {instance.id} is {instance.state}")


def apply_advance(
    session: Session,
    instance: ProcessInstance,
    advance: engine.Advance,
    *,
    completed_by: int | None = None,
    final_state: InstanceState = InstanceState.COMPLETED,
    settings: Settings | None = None,
    directory_stamp: str | None = None,
) -> list[Task]:
    """Write what the engine did; return the tasks it opened (the hand-off). A case the
    advance left unable to move gets an incident.

    With `settings`, working-day deadlines skip the days closed for everyone.
    `directory_stamp` is the one `lock_task_and_stamp` read, if the caller used it.
    """
    _write_state(session, instance, advance, final_state)
    opened = project_tasks(
        session,
        instance_id=instance.id,
        model_id=instance.version.model_id,
        team=instance.team,
        advance=advance,
        completed_by=completed_by,
        closed_days=settings.deadlines.closed_days if settings else (),
        directory_stamp=directory_stamp,
    )
    project_timers(session, instance_id=instance.id, advance=advance)
    if advance.stuck_at is not None:  # never silent: someone has to look at it
        open_stuck(session, instance_id=instance.id, element=advance.stuck_at)
    return opened


def _state_update(*names: str) -> Any:
    table = table_of(ProcessInstance)
    return (
        update(table)
        .where(table.c.id == bindparam("key"), table.c.revision == bindparam("seen"))
        .values({name: bindparam(name) for name in names})
    )


_WRITE_STATE = _state_update("workflow_state", "serializer_version", "revision")
_WRITE_FINISHED = _state_update(
    "workflow_state", "serializer_version", "revision", "state", "ended_at"
)


def _write_state(
    session: Session, instance: ProcessInstance, advance: engine.Advance, final: InstanceState
) -> None:
    """One UPDATE by key that also checks and bumps `revision`: a writer that lost a race
    fails here, before anything else is written. The loaded row takes the new values as
    its committed state, so the unit of work has nothing left to write."""
    values: dict[str, object] = {
        "workflow_state": advance.state,
        "serializer_version": advance.serializer_version,
    }
    if advance.finished:
        values |= {"state": final, "ended_at": clock.now()}
    elif instance.workflow_state is advance.state:
        return  # a case just started: its row was written with this state
    try:
        session.flush()  # changes of the caller's (a migration's new version), checked
    except StaleDataError:
        raise Conflict(f"case {instance.id} was changed by someone else; try again") from None
    values["revision"] = instance.revision + 1
    statement = _WRITE_FINISHED if advance.finished else _WRITE_STATE
    written = session.execute(statement, {"key": instance.id, "seen": instance.revision, **values})
    if written.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"case {instance.id} was changed by someone else; try again")
    for name, value in values.items():
        set_committed_value(instance, name, value)
