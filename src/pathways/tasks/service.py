"""Queues and the work on a task: list, claim, release, assign, complete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from pathways import clock, engine
from pathways.audit import service as audit
from pathways.cases.models import Client, ProcessInstance
from pathways.cases.progress import (
    apply_advance,
    lock_task,
    lock_task_and_stamp,
    require_open,
    require_running,
)
from pathways.deadlines.calendars import team_closed_days
from pathways.errors import Conflict, InvalidData, NotFound
from pathways.forms.service import validate_submission
from pathways.notifications.outbox import queue_assignment_notice
from pathways.people import permissions
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.people.models import Organisation, User
from pathways.processes import service as processes
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.record import service as record
from pathways.record.keeping import kept
from pathways.settings import Settings
from pathways.tasks import drafts
from pathways.tasks.models import Task, TaskState


@dataclass(frozen=True)
class TaskFilter:
    instance_id: int | None = None
    organisation: str | None = None
    state: str | None = TaskState.OPEN
    assignee: str | None = None
    model: str | None = None
    overdue: bool = False
    due_before: datetime | None = None
    step: str | None = None  # the step's BPMN id
    client: str | None = None  # the client's reference
    unassigned: bool = False
    limit: int = 500


@dataclass(frozen=True)
class Completion:
    task: Task
    opened: list[Task]
    case_finished: bool


def list_tasks(session: Session, where: TaskFilter) -> Sequence[Task]:
    return session.scalars(_query(where)).all()


def list_visible(session: Session, *, where: TaskFilter, actor: Actor) -> Sequence[Task]:
    """The tasks the actor may see: their own organisation's, or all for admins."""
    scope = permissions.task_scope(actor)
    query = _query(where)
    if scope is not None:
        query = query.where(Task.organisation_id == scope)
    return session.scalars(query).all()


def read(session: Session, *, task_id: int, actor: Actor, purpose: str) -> Task:
    """One task, for someone who may see it; reading it is logged (it names the client)."""
    task = get(session, task_id)
    permissions.require_task_reader(actor, task)
    _record(session, actor, "task.read", task, purpose=purpose[:200])
    return task


def _query(where: TaskFilter) -> Select[Task]:
    query = (
        select(Task)
        .options(joinedload(Task.organisation), joinedload(Task.assignee))
        # Spelt so PostgreSQL reads the queue index in order instead of sorting the queue.
        .order_by(Task.due_at.asc().nulls_last(), Task.id)
        .limit(where.limit)
    )
    if where.instance_id is not None:
        query = query.where(Task.instance_id == where.instance_id)
    if where.state is not None:
        query = query.where(Task.state == where.state)
    if where.organisation is not None:
        # A subquery rather than a join: the planner then reads one organisation's queue
        # from its index in due order, as for a caseworker's own list.
        chosen = select(Organisation.id).where(Organisation.code == where.organisation)
        query = query.where(Task.organisation_id == chosen.scalar_subquery())
    if where.assignee is not None:
        query = query.join(User, Task.assignee_id == User.id).where(User.login == where.assignee)
    if where.model is not None:
        query = (
            query.join(ProcessInstance, Task.instance_id == ProcessInstance.id)
            .join(ProcessVersion)
            .join(ProcessModel)
            .where(ProcessModel.key == where.model)
        )
    if where.overdue:
        query = query.where(Task.state == TaskState.OPEN, Task.due_at < clock.now())
    if where.due_before is not None:
        query = query.where(Task.due_at < where.due_before)
    return _narrow(query, where)


def _narrow(query: Select[Task], where: TaskFilter) -> Select[Task]:
    if where.step is not None:
        query = query.where(Task.bpmn_id == where.step)
    if where.client is not None:
        cases_of_client = (
            select(ProcessInstance.id)
            .join(Client, ProcessInstance.client_id == Client.id)
            .where(Client.reference == where.client)
        )
        query = query.where(Task.instance_id.in_(cases_of_client))
    if where.unassigned:
        query = query.where(Task.assignee_id.is_(None))
    return query


def get(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    return task


def claim(session: Session, *, task_id: int, actor: Actor) -> Task:
    """Permission first: only the task's own organisation learns its state or assignee."""
    instance, task = lock_task(session, task_id)
    user = permissions.require_caseworker_of(actor, task.organisation_id)
    require_open(task)
    if task.assignee_id is not None and task.assignee_id != user.id:
        raise Conflict(
            f"task {task_id} is claimed by {task.assignee.login if task.assignee else '?'}"
        )
    task.assignee = user
    record.require_consent(session, instance=instance, task=task)
    _record(session, actor, "task.claimed", task)
    return task


def release(session: Session, *, task_id: int, actor: Actor) -> Task:
    _, task = lock_task(session, task_id)
    permissions.require_task_releaser(actor, task)
    require_open(task)
    task.assignee = None
    _record(session, actor, "task.released", task)
    return task


def assign(
    session: Session,
    *,
    task_id: int,
    assignee: str,
    actor: Actor,
    settings: Settings | None = None,
) -> Task:
    """Hand a task to a caseworker; with mail configured in `settings`, they are told."""
    _, task = lock_task(session, task_id)
    permissions.require_task_assigner(actor, task)
    require_open(task)
    person = people.get_user(session, assignee)
    task.assignee = permissions.require_caseworker_of(Actor.of(person), task.organisation_id)
    _record(session, actor, "task.assigned", task, assignee=person.login)
    queue_assignment_notice(
        session, tasks=[task], assignee=person, smtp=settings.smtp if settings else None
    )
    return task


def reassign_all(
    session: Session, *, from_login: str, to_login: str | None, actor: Actor, settings: Settings
) -> list[Task]:
    """Move every open task of a caseworker to a colleague, or back to the queue (None).

    For an absent caseworker; only a manager of their organisation may. Each task is
    audited, and so is the move as a whole.
    """
    absent = people.get_user(session, from_login)
    permissions.require_reassigner(actor, absent.organisation_id)
    colleague = None
    if to_login is not None:
        colleague = permissions.require_caseworker_of(
            Actor.of(people.get_user(session, to_login)), absent.organisation_id
        )
    moved = session.scalars(
        select(Task)
        .where(
            Task.assignee_id == absent.id,
            Task.state == TaskState.OPEN,
            Task.organisation_id == absent.organisation_id,  # the manager's own queue only
        )
        .order_by(Task.id)
        .with_for_update()
    ).all()
    target = colleague.login if colleague else None  # None: back to the queue
    for task in moved:
        task.assignee = colleague
        _record(session, actor, "task.reassigned", task, **{"from": absent.login, "to": target})
    audit.record(
        session,
        actor=actor.login,
        action="tasks.reassigned",
        details={"from": absent.login, "to": target, "tasks": [t.id for t in moved]},
    )
    if colleague is not None:
        queue_assignment_notice(session, tasks=list(moved), assignee=colleague, smtp=settings.smtp)
    return list(moved)


def _record(session: Session, actor: Actor, action: str, task: Task, **details: str | None) -> None:
    audit.record(
        session,
        actor=actor.login,
        action=action,
        instance_id=task.instance_id,
        task_id=task.id,
        details=details,
    )


def complete(
    session: Session, *, task_id: int, data: dict[str, Any], actor: Actor, settings: Settings
) -> Completion:
    """Validate the form data, run the task and the case to its next waits, write back."""
    instance, task, stamp = lock_task_and_stamp(session, task_id)
    worker = permissions.require_task_worker(actor, task)
    require_running(instance)
    require_open(task)
    record.require_consent(session, instance=instance, task=task)
    engine.check_incoming(data)
    data = _validated(instance, task, data)
    pathway = processes.pathway_for(instance.version, settings)
    closed = team_closed_days(
        session, team=instance.team, everywhere=settings.deadlines.closed_days
    )
    advance = pathway.complete(
        instance.workflow_state,
        instance.serializer_version,
        task.spiff_task_id,
        data,
        closed_days=closed,
    )
    opened = apply_advance(
        session, instance, advance, completed_by=worker.id, settings=settings, directory_stamp=stamp
    )
    record.record_step(session, instance=instance, task=task, data=data, by=worker)
    drafts.discard_all(session, task_id=task.id)
    _record(session, actor, "task.completed", task, step=task.bpmn_id)
    return Completion(task=task, opened=opened, case_finished=advance.finished)


def _validated(instance: ProcessInstance, task: Task, data: dict[str, Any]) -> dict[str, Any]:
    """The answers the step keeps (`x-kept-if`), checked against its form."""
    if task.form is None:
        if data:
            raise InvalidData("this step has no form: complete it without data")
        return data
    schema = instance.version.forms.get(task.form)
    if schema is None:
        raise InvalidData(f"the step's form is missing from version {instance.version.number}")
    answers = kept(schema, data)
    validate_submission(schema, answers)
    return answers
