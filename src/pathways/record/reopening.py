"""Reopening a completed step: a manager sends the case back to it, with a reason.

The rule: a manager of the step's organisation may reopen it when
- the model declares the step `reopenable`,
- the step is completed and the case is still running, and
- no step of another organisation opened after it has been completed (a hand-off that
  has been acted on is not taken back).
The engine resets the case to the step: steps opened after it are cancelled, their
timers stop, and the step waits again with its earlier answers as the starting values
(a draft for whoever completed it). The record entry keeps those answers until the step
is completed anew; the reopening keeps them for the history either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import clock, engine
from pathways.audit import service as audit
from pathways.cases.models import InstanceState, ProcessInstance
from pathways.cases.progress import apply_advance
from pathways.deadlines.calendars import team_closed_days
from pathways.errors import Conflict, InvalidData, NotPermitted
from pathways.people.actors import Actor
from pathways.people.models import Role
from pathways.processes import service as processes
from pathways.record.models import RecordEntry, StepReopening
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskDraft, TaskState
from pathways.tasks.projection import reopen_row

MAX_REASON = 500


def reopen(
    session: Session,
    *,
    task: Task,
    instance: ProcessInstance,
    reason: str,
    actor: Actor,
    settings: Settings,
) -> StepReopening:
    """Send the case back to a completed step; the earlier answers stay in the history."""
    require_reopener(actor, task)  # before revealing anything about the step
    if not reason.strip() or len(reason) > MAX_REASON:
        raise InvalidData(f"give the reason for reopening the step (1-{MAX_REASON} characters)")
    require_reopenable(session, task, instance)
    entry = session.scalar(select(RecordEntry).where(RecordEntry.task_id == task.id))
    previous = dict(entry.data) if entry is not None else {}
    pathway = processes.pathway_for(instance.version, settings)
    closed = team_closed_days(
        session, team=instance.team, everywhere=settings.deadlines.closed_days
    )
    advance = pathway.reopen(
        instance.workflow_state, instance.serializer_version, task.spiff_task_id, closed_days=closed
    )
    # The step keeps its row (its record and history hang on it): open it again in place.
    completer = task.completed_by_id
    reopen_row(
        session,
        task,
        advance,
        model_id=instance.version.model_id,
        assignee_id=completer,
        closed_days=settings.deadlines.closed_days,
    )
    session.flush()
    rest = tuple(t for t in advance.opened if t.spiff_id != task.spiff_task_id)
    apply_advance(session, instance, replace(advance, opened=rest), settings=settings)
    starter = completer if completer is not None else (actor.user.id if actor.user else None)
    if previous and starter is not None:
        session.add(
            TaskDraft(task_id=task.id, user_id=starter, data=previous, saved_at=clock.now())
        )
    reopening = StepReopening(
        instance_id=instance.id,
        task_id=task.id,
        reopened_at=clock.now(),
        reopened_by=actor.login,
        reason=reason,
        previous=previous,
    )
    session.add(reopening)
    audit.record(
        session,
        actor=actor.login,
        action="task.reopened",
        instance_id=instance.id,
        task_id=task.id,
        details={"step": task.bpmn_id},
    )
    session.flush()
    return reopening


def require_reopener(actor: Actor, task: Task) -> None:
    """Only a manager of the step's own organisation: they know why it must be done again."""
    user = actor.user
    if (
        user is not None
        and user.active
        and actor.has_role(Role.MANAGER)
        and task.organisation_id == user.organisation_id
    ):
        return
    raise NotPermitted("only a manager of the step's organisation may reopen it")


def is_reopenable(instance: ProcessInstance, task: Task) -> bool:
    properties = engine.task_properties(instance.version.spec).get(task.bpmn_id, {})
    return properties.get("reopenable") == "true"


def require_reopenable(session: Session, task: Task, instance: ProcessInstance) -> None:
    reason = refusal(session, task, instance)
    if reason is not None:
        raise Conflict(reason)


def refusal(session: Session, task: Task, instance: ProcessInstance) -> str | None:
    """Why this step cannot be reopened now (None: it can)."""
    if not is_reopenable(instance, task):
        return "the model does not let this step be reopened"
    if task.state != TaskState.COMPLETED:
        return f"step {task.id} is {task.state}: only a completed step is reopened"
    if instance.state != InstanceState.RUNNING:
        return f"case {instance.id} is {instance.state}: it cannot go back to a step"
    acted = session.scalar(
        select(Task.id).where(
            Task.instance_id == instance.id,
            Task.id > task.id,
            Task.state == TaskState.COMPLETED,
            Task.organisation_id != task.organisation_id,
        )
    )
    if acted is not None:
        return "another organisation has already acted on the hand-off after this step"
    return None


def may_reopen(session: Session, actor: Actor, task: Task, instance: ProcessInstance) -> bool:
    """Whether the page offers this caller the reopen button for this step now."""
    try:
        require_reopener(actor, task)
    except NotPermitted:
        return False
    return refusal(session, task, instance) is None


def reopenings_of(session: Session, task_id: int) -> Sequence[StepReopening]:
    return session.scalars(
        select(StepReopening).where(StepReopening.task_id == task_id).order_by(StepReopening.id)
    ).all()
