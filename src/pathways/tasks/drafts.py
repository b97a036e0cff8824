"""Drafts: form data a caseworker saved without completing the task."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from pathways import clock, engine
from pathways.db.base import table_of
from pathways.errors import Conflict
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.tasks.models import Task, TaskDraft, TaskState


def save(session: Session, *, task: Task, data: dict[str, Any], actor: Actor) -> TaskDraft:
    """Keep the caller's unfinished data for an open task they may work on."""
    user = permissions.require_task_worker(actor, task)
    if task.state != TaskState.OPEN:
        raise Conflict(f"task {task.id} is {task.state}; there is nothing to draft")
    engine.check_incoming(data)
    draft = session.scalar(
        select(TaskDraft).where(TaskDraft.task_id == task.id, TaskDraft.user_id == user.id)
    )
    if draft is None:
        draft = TaskDraft(task_id=task.id, user_id=user.id, data=data, saved_at=clock.now())
        session.add(draft)
    else:
        draft.data, draft.saved_at = data, clock.now()
    session.flush()
    return draft


def find(session: Session, *, task_id: int, actor: Actor) -> TaskDraft | None:
    if actor.user is None:
        return None
    return session.scalar(
        select(TaskDraft).where(TaskDraft.task_id == task_id, TaskDraft.user_id == actor.user.id)
    )


def discard_all(session: Session, *, task_id: int) -> None:
    """A completed task needs no drafts, whoever saved them."""
    session.execute(_DISCARD, {"task_id": task_id})


_DISCARD = delete(table_of(TaskDraft)).where(table_of(TaskDraft).c.task_id == bindparam("task_id"))
