"""Whose working days: the Finnish calendar plus days closed for everyone (settings)
and days one organisation is closed (the `closed_day` table).

`dueInWorkingDays` counts in the calendar of the organisation the task goes to.
Timer expressions in the sandbox (`working_days_later` …) count public holidays only:
a model's timer has no organisation.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.calendar import WorkingCalendar, finnish_calendar
from pathways.deadlines.models import ClosedDay
from pathways.errors import InvalidData
from pathways.people import service as people


def calendar_for(
    session: Session, *, organisation_id: int | None, everywhere: Collection[date] = ()
) -> WorkingCalendar:
    """The working days of an organisation: holidays, `everywhere` and its own closures."""
    days = set(everywhere)
    if organisation_id is not None:
        own = select(ClosedDay.day).where(ClosedDay.organisation_id == organisation_id)
        days.update(session.scalars(own))
    return _calendar(frozenset(days)) if days else finnish_calendar()


@lru_cache(maxsize=64)
def _calendar(closed: frozenset[date]) -> WorkingCalendar:
    # Cached: a calendar keeps the holidays it has looked up.
    return WorkingCalendar(closed)


def close_day(
    session: Session, *, organisation: str, day: date, reason: str | None = None
) -> ClosedDay:
    """Record a day the organisation is closed (idempotent: the reason is updated)."""
    found = people.get_organisation(session, organisation)
    closed = session.scalar(
        select(ClosedDay).where(ClosedDay.organisation_id == found.id, ClosedDay.day == day)
    )
    if reason is not None and len(reason) > 255:
        raise InvalidData("a reason is at most 255 characters")
    if closed is None:
        closed = ClosedDay(organisation_id=found.id, day=day)
        session.add(closed)
    closed.reason = reason
    session.flush()
    return closed


def closed_days(session: Session, *, organisation: str) -> Sequence[ClosedDay]:
    found = people.get_organisation(session, organisation)
    return session.scalars(
        select(ClosedDay).where(ClosedDay.organisation_id == found.id).order_by(ClosedDay.day)
    ).all()
