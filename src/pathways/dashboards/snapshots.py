"""Daily snapshots of the overview, and the trends read back from them.

`take_snapshot` is what the worker's daily job calls (wiring comes with the worker);
running it again on the same day replaces that day's figures, so a retry or a second
worker does no harm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from pathways import clock
from pathways.dashboards.filters import DashboardFilter, model_id, organisation_in_view
from pathways.dashboards.models import DashboardSnapshot
from pathways.dashboards.service import open_counts
from pathways.db.base import UTCDateTime
from pathways.people.actors import Actor
from pathways.settings import Settings


@dataclass(frozen=True)
class TrendPoint:
    day: date
    open: int
    at_risk: int
    overdue: int


def take_snapshot(session: Session, *, day: date | None = None, settings: Settings) -> int:
    """Record today's (or `day`'s) open, at-risk and overdue counts per step; return rows."""
    now = clock.now()
    day = day or clock.local(now).date()
    session.execute(delete(DashboardSnapshot).where(DashboardSnapshot.day == day))
    counts = open_counts(now, settings.deadlines.at_risk_window).subquery()
    columns = ["day", "organisation_id", "model_id", "step", "step_name", "open", "at_risk"]
    session.execute(
        insert(DashboardSnapshot).from_select(
            [*columns, "overdue", "taken_at"],
            select(
                literal(day).label("day"),
                counts.c.organisation_id,
                counts.c.model_id,
                counts.c.step,
                # One row per step even where versions named it differently: the latest name.
                func.max(counts.c.step_name),
                func.sum(counts.c.open),
                func.sum(counts.c.at_risk),
                func.sum(counts.c.overdue),
                literal(now, UTCDateTime()),
            )
            .where(counts.c.organisation_id.is_not(None))
            .group_by(counts.c.organisation_id, counts.c.model_id, counts.c.step),
        )
    )
    return (
        session.scalar(
            select(func.count()).select_from(DashboardSnapshot).where(DashboardSnapshot.day == day)
        )
        or 0
    )


def trend(
    session: Session, *, actor: Actor, filters: DashboardFilter, days: int = 30
) -> list[TrendPoint]:
    """Daily totals over the last `days` days for the filter's organisation, pathway and step.

    Snapshots keep no assignee or due date, so those parts of a filter do not apply here.
    """
    today = clock.local(clock.now()).date()
    where = [DashboardSnapshot.day > today - timedelta(days=days), *_scope(session, actor, filters)]
    rows = session.execute(
        select(
            DashboardSnapshot.day,
            func.sum(DashboardSnapshot.open),
            func.sum(DashboardSnapshot.at_risk),
            func.sum(DashboardSnapshot.overdue),
        )
        .where(*where)
        .group_by(DashboardSnapshot.day)
        .order_by(DashboardSnapshot.day)
    )
    return [TrendPoint(day, int(o), int(r), int(d)) for day, o, r, d in rows]


def _scope(session: Session, actor: Actor, filters: DashboardFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    organisation_id = organisation_in_view(session, actor=actor, where=filters)
    if organisation_id is not None:
        found.append(DashboardSnapshot.organisation_id == organisation_id)
    if filters.model is not None:
        found.append(DashboardSnapshot.model_id == model_id(session, filters.model))
    if filters.step is not None:
        found.append(DashboardSnapshot.step == filters.step)
    return found
