"""What lies behind the manager's counts: the open tasks of a view by standing, each
person's workload, the names the filters offer, and the colleagues a task can go to.

Every function narrows with `filters.conditions`, the dashboard's own scope and filter,
so the tasks a count links to are exactly the tasks it counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.cases.models import Client, ProcessInstance
from pathways.dashboards.filters import IS_OPEN, DashboardFilter, conditions
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.people.models import Organisation, Role, User
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.tasks.models import Task

WEEK = timedelta(days=7)


class Standing(StrEnum):
    OPEN = "open"  # every open task of the view
    AT_RISK = "at_risk"  # due within the warning window
    OVERDUE = "overdue"  # past due
    DUE_WEEK = "due_week"  # due within the next seven days, not yet overdue


def standing_condition(standing: Standing, now: datetime, window: timedelta) -> ColumnElement[bool]:
    """The same bounds as the dashboard's counts (`service.open_counts`)."""
    if standing == Standing.OVERDUE:
        return Task.due_at < now
    if standing == Standing.AT_RISK:
        return and_(Task.due_at >= now, Task.due_at < now + window)
    if standing == Standing.DUE_WEEK:
        return and_(Task.due_at >= now, Task.due_at < now + WEEK)
    return IS_OPEN


@dataclass(frozen=True)
class ViewTask:
    task_id: int
    case_id: int
    client: str
    step_name: str
    pathway_name: str
    organisation_name: str
    assignee: str | None  # login
    assignee_name: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class PersonLoad:
    login: str
    name: str
    open: int
    overdue: int
    due_week: int


def tasks_in_view(
    session: Session,
    *,
    actor: Actor,
    filters: DashboardFilter,
    standing: Standing,
    now: datetime,
    window: timedelta,
    limit: int = 500,
) -> list[ViewTask]:
    """The open tasks a dashboard count stands for, soonest due first. Audited: the
    list shows client references."""
    query = (
        select(
            Task.id,
            Task.instance_id,
            Client.reference,
            Task.name,
            ProcessModel.name,
            Organisation.name,
            User.login,
            User.name,
            Task.due_at,
        )
        .select_from(Task)
        .join(ProcessInstance, Task.instance_id == ProcessInstance.id)
        .join(ProcessVersion, ProcessInstance.version_id == ProcessVersion.id)
        .join(ProcessModel, ProcessVersion.model_id == ProcessModel.id)
        .join(Organisation, Task.organisation_id == Organisation.id)
        .join(Client, ProcessInstance.client_id == Client.id)
        .outerjoin(User, Task.assignee_id == User.id)
        .where(
            IS_OPEN,
            standing_condition(standing, now, window),
            *conditions(session, actor=actor, where=filters),
        )
        .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
        .limit(limit)
    )
    found = [ViewTask(*row) for row in session.execute(query).all()]
    if found:
        audit.record(
            session,
            actor=actor.login,
            action="dashboard.tasks_read",
            details={"cases": sorted({t.case_id for t in found}), "standing": standing.value},
        )
    return found


def workload(
    session: Session, *, actor: Actor, filters: DashboardFilter, now: datetime
) -> list[PersonLoad]:
    """Open, overdue and due-this-week tasks of each person holding tasks in the view."""
    rows = session.execute(
        select(
            User.login,
            User.name,
            func.count(),
            func.count(case((Task.due_at < now, 1))),
            func.count(case((and_(Task.due_at >= now, Task.due_at < now + WEEK), 1))),
        )
        .select_from(Task)
        .join(ProcessInstance, Task.instance_id == ProcessInstance.id)
        .join(User, Task.assignee_id == User.id)
        .where(IS_OPEN, *conditions(session, actor=actor, where=filters))
        .group_by(User.login, User.name)
        .order_by(User.name, User.login)
    ).all()
    return [PersonLoad(*row) for row in rows]


@dataclass(frozen=True)
class Choices:
    """What the dashboard's filters offer, by name: (value, name) pairs."""

    organisations: list[tuple[str, str]]
    steps: list[tuple[str, str]]
    people: list[tuple[str, str]]


def choices(session: Session, *, actor: Actor) -> Choices:
    """Organisations, steps with open tasks, and people of the caller's view."""
    scope = permissions.dashboard_scope(actor)
    organisations = select(Organisation.code, Organisation.name).order_by(Organisation.name)
    steps = select(Task.bpmn_id, Task.name).where(IS_OPEN).distinct().order_by(Task.name)
    people = select(User.login, User.name).where(User.active.is_(True)).order_by(User.name)
    if scope is not None:
        organisations = organisations.where(Organisation.id == scope)
        steps = steps.where(Task.organisation_id == scope)
        people = people.where(User.organisation_id == scope)
    return Choices(
        [tuple(r) for r in session.execute(organisations)],  # type: ignore[misc]
        [tuple(r) for r in session.execute(steps)],  # type: ignore[misc]
        [tuple(r) for r in session.execute(people)],  # type: ignore[misc]
    )


def colleagues(
    session: Session, *, organisation_id: int | None, leaving_out: int | None
) -> list[User]:
    """Active caseworkers of the organisation a task can be handed to."""
    if organisation_id is None:
        return []
    found = session.scalars(
        select(User)
        .where(User.organisation_id == organisation_id, User.active.is_(True))
        .order_by(User.name, User.login)
    ).all()
    return [u for u in found if Role.CASEWORKER in u.roles and u.id != leaving_out]
