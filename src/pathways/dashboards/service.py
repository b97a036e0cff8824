"""The manager's figures: counts by organisation, pathway and step; the overdue list; the heatmap.

Each view is one or two aggregate queries; Python only touches the (small) result.
Step durations live in `durations.py`, daily snapshots in `snapshots.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from pathways import clock
from pathways.audit import service as audit
from pathways.calendar import finnish_calendar
from pathways.cases.models import Client, ProcessInstance
from pathways.dashboards import kept_overview
from pathways.dashboards.filters import (
    IS_OPEN,
    DashboardFilter,
    conditions,
    model_id,
    organisation_in_view,
)
from pathways.dashboards.sql import percentiles, seconds_between
from pathways.db.base import UTCDateTime
from pathways.errors import NotFound
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.people.models import Organisation, User, name_in
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskCount


@dataclass(frozen=True)
class StepCount:
    """Open tasks of one step; `at_risk` and `overdue` are the parts of `open` so standing."""

    organisation: str
    organisation_name: str
    model: str
    step: str
    step_name: str
    open: int
    at_risk: int
    overdue: int
    organisation_names: dict[str, str] | None = field(default=None, compare=False)

    def name_in(self, language: str) -> str:
        """The organisation's name in `language` (the row names an organisation)."""
        return name_in(self.organisation_names, self.organisation_name, language)


@dataclass(frozen=True)
class OverdueTask:
    task_id: int
    case_id: int
    organisation: str
    model: str
    step: str
    step_name: str
    assignee: str | None
    client: str
    due_at: datetime
    days_overdue: int
    working_days_overdue: int


@dataclass(frozen=True)
class ElementHeat:
    """One BPMN element of a version: its open and overdue tasks and their median wait."""

    step: str
    open: int
    overdue: int
    median_wait_seconds: float | None


def open_counts(
    now: datetime, window: timedelta
) -> Select[int | None, int, str, str, int, int, int]:
    """Open tasks grouped by organisation id, model id and step (also feeds snapshots)."""
    soon = now + window
    return (
        select(
            Task.organisation_id.label("organisation_id"),
            ProcessVersion.model_id.label("model_id"),
            Task.bpmn_id.label("step"),
            Task.name.label("step_name"),
            func.count().label("open"),
            func.count(case((and_(Task.due_at >= now, Task.due_at < soon), 1))).label("at_risk"),
            func.count(case((Task.due_at < now, 1))).label("overdue"),
        )
        .select_from(Task)
        .join(ProcessInstance, Task.instance_id == ProcessInstance.id)
        .join(ProcessVersion, ProcessInstance.version_id == ProcessVersion.id)
        .where(IS_OPEN)
        .group_by(Task.organisation_id, ProcessVersion.model_id, Task.bpmn_id, Task.name)
    )


def overview(
    session: Session, *, actor: Actor, filters: DashboardFilter, settings: Settings
) -> list[StepCount]:
    """Open, at-risk and overdue counts by organisation, pathway and step.

    From the kept counts (`tasks/counts.py`) unless the filter names an assignee or due
    dates, which those counts do not know; then by counting the open task rows.
    """
    if filters.assignee is None and filters.due_after is None and filters.due_before is None:
        return _overview_kept(session, actor=actor, filters=filters, settings=settings)
    return _overview_counted(session, actor=actor, filters=filters, settings=settings)


def _overview_counted(
    session: Session, *, actor: Actor, filters: DashboardFilter, settings: Settings
) -> list[StepCount]:
    where = conditions(session, actor=actor, where=filters)
    grouped = open_counts(clock.now(), settings.deadlines.at_risk_window).where(*where).subquery()
    rows = session.execute(
        select(
            Organisation.code,
            Organisation.name,
            ProcessModel.key,
            grouped.c.step,
            grouped.c.step_name,
            grouped.c.open,
            grouped.c.at_risk,
            grouped.c.overdue,
            Organisation.names,
        )
        .join(Organisation, Organisation.id == grouped.c.organisation_id)
        .join(ProcessModel, ProcessModel.id == grouped.c.model_id)
        .order_by(Organisation.code, ProcessModel.key, grouped.c.step, grouped.c.step_name)
    )
    return [StepCount(*row) for row in rows]


_Figures = dict[tuple[int, int, str, str], list[int]]


def _overview_kept(
    session: Session, *, actor: Actor, filters: DashboardFilter, settings: Settings
) -> list[StepCount]:
    """From the kept counts, with the parts of the days that `now` and the end of the
    at-risk window cut counted from task rows (`kept_overview.py`)."""
    figures = kept_overview.figures(
        session,
        kept_where=_kept_conditions(session, actor=actor, filters=filters),
        actor=actor,
        filters=filters,
        now=clock.now(),
        window=settings.deadlines.at_risk_window,
    )
    return _named(session, figures)


def _kept_conditions(
    session: Session, *, actor: Actor, filters: DashboardFilter
) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    organisation_id = organisation_in_view(session, actor=actor, where=filters)
    if organisation_id is not None:
        found.append(TaskCount.organisation_id == organisation_id)
    if filters.model is not None:
        found.append(TaskCount.model_id == model_id(session, filters.model))
    if filters.step is not None:
        found.append(TaskCount.step == filters.step)
    return found


def _named(session: Session, figures: _Figures) -> list[StepCount]:
    shown = {key: n for key, n in figures.items() if n[0] > 0}
    organisations = {
        o.id: o
        for o in session.execute(
            select(Organisation.id, Organisation.code, Organisation.name, Organisation.names).where(
                Organisation.id.in_({k[0] for k in shown})
            )
        )
    }
    models: dict[int, str] = {
        row.id: row.key
        for row in session.execute(
            select(ProcessModel.id, ProcessModel.key).where(
                ProcessModel.id.in_({k[1] for k in shown})
            )
        )
    }
    found = [
        StepCount(
            organisations[o].code,
            organisations[o].name,
            models[m],
            step,
            name,
            numbers[0],
            numbers[1],
            numbers[2],
            organisation_names=organisations[o].names,
        )
        for (o, m, step, name), numbers in shown.items()
        if o in organisations and m in models
    ]
    return sorted(found, key=lambda c: (c.organisation, c.model, c.step, c.step_name))


def overdue_tasks(
    session: Session,
    *,
    actor: Actor,
    filters: DashboardFilter,
    limit: int = 500,
    offset: int = 0,
) -> list[OverdueTask]:
    """Overdue open tasks, longest overdue first. Showing client references is audited."""
    now = clock.now()
    rows = session.execute(
        select(
            Task.id,
            Task.instance_id,
            Organisation.code,
            ProcessModel.key,
            Task.bpmn_id,
            Task.name,
            User.login,
            Client.reference,
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
            Task.due_at < now,
            *conditions(session, actor=actor, where=filters),
        )
        .order_by(Task.due_at, Task.id)
        .limit(limit)
        .offset(offset)
    ).all()
    lateness = _Lateness(now)
    # Every row is overdue, so its due date is set.
    found = [OverdueTask(*row, *lateness(row.due_at)) for row in rows]  # type: ignore[arg-type]
    if found:
        audit.record(
            session,
            actor=actor.login,
            action="dashboard.overdue_read",
            details={"cases": sorted({t.case_id for t in found})},
        )
    return found


class _Lateness:
    """Calendar and working days from a due date to today, both by Helsinki dates."""

    def __init__(self, now: datetime) -> None:
        self.today = clock.local(now).date()
        self.calendar = finnish_calendar()
        self.known: dict[object, tuple[int, int]] = {}

    def __call__(self, due_at: datetime) -> tuple[int, int]:
        due = clock.local(due_at).date()
        if due not in self.known:
            self.known[due] = (
                (self.today - due).days,
                self.calendar.working_days_between(due, self.today),
            )
        return self.known[due]


def heatmap(session: Session, *, actor: Actor, model: str, version: int) -> list[ElementHeat]:
    """Per BPMN element of one version: open and overdue tasks, and their median wait so far."""
    scope = permissions.dashboard_scope(actor)
    version_id = session.scalar(
        select(ProcessVersion.id)
        .join(ProcessModel)
        .where(ProcessModel.key == model, ProcessVersion.number == version)
    )
    if version_id is None:
        raise NotFound(f"no version {version} of that pathway")
    now = clock.now()
    where = [
        IS_OPEN,
        Task.instance_id.in_(
            select(ProcessInstance.id).where(ProcessInstance.version_id == version_id)
        ),
        *([Task.organisation_id == scope] if scope is not None else []),
    ]
    counts = session.execute(
        select(Task.bpmn_id, func.count(), func.count(case((Task.due_at < now, 1))))
        .where(*where)
        .group_by(Task.bpmn_id)
    ).all()
    waits = select(
        Task.bpmn_id.label("step"),
        seconds_between(Task.created_at, literal(now, UTCDateTime())).label("wait"),
    ).where(*where)
    medians = {
        row.step: row.median
        for row in session.execute(
            percentiles(
                waits.subquery(), ["step"], "wait", {"median": 50}, dialect=_dialect(session)
            )
        )
    }
    return [
        ElementHeat(step, open_, overdue, medians.get(step))
        for step, open_, overdue in sorted(counts)
    ]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def versions_in_view(
    session: Session, *, actor: Actor, filters: DashboardFilter
) -> list[tuple[str, int]]:
    """The pathway versions (key, number) with open tasks in view: what a heatmap can show."""
    rows = session.execute(
        select(ProcessModel.key, ProcessVersion.number)
        .select_from(Task)
        .join(ProcessInstance, Task.instance_id == ProcessInstance.id)
        .join(ProcessVersion, ProcessInstance.version_id == ProcessVersion.id)
        .join(ProcessModel, ProcessVersion.model_id == ProcessModel.id)
        .where(IS_OPEN, *conditions(session, actor=actor, where=filters))
        .distinct()
        .order_by(ProcessModel.key, ProcessVersion.number)
    )
    return [(key, number) for key, number in rows]


def step_names(session: Session, *, model: str, version: int) -> dict[str, str]:
    """The names the version's tasks carry, by BPMN id (for tables beside the heatmap)."""
    rows = session.execute(
        select(Task.bpmn_id, func.max(Task.name).label("name"))
        .join(ProcessInstance, Task.instance_id == ProcessInstance.id)
        .join(ProcessVersion, ProcessInstance.version_id == ProcessVersion.id)
        .join(ProcessModel, ProcessVersion.model_id == ProcessModel.id)
        .where(ProcessModel.key == model, ProcessVersion.number == version)
        .group_by(Task.bpmn_id)
    )
    return {row.bpmn_id: row.name for row in rows}
