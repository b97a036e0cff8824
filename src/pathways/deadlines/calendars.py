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

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.calendar import WorkingCalendar, finnish_calendar
from pathways.deadlines.models import ClosedDay
from pathways.errors import InvalidData
from pathways.people import permissions
from pathways.people import service as people
from pathways.people.actors import Actor


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


def open_day(session: Session, *, organisation: str, day: date) -> bool:
    """Take a closed day back; True if there was one."""
    found = people.get_organisation(session, organisation)
    result = session.execute(
        delete(ClosedDay).where(ClosedDay.organisation_id == found.id, ClosedDay.day == day)
    )
    return bool(getattr(result, "rowcount", 0))


def close_day_as(
    session: Session, *, actor: Actor, organisation: str, day: date, reason: str | None
) -> ClosedDay:
    """An administrator closes a day for an organisation (audited)."""
    permissions.require_admin(actor)
    closed = close_day(session, organisation=organisation, day=day, reason=reason)
    audit.record(
        session,
        actor=actor.login,
        action="organisation.day_closed",
        details={"code": organisation, "day": day.isoformat()},
    )
    return closed


def open_day_as(session: Session, *, actor: Actor, organisation: str, day: date) -> bool:
    """An administrator takes a closed day back (audited)."""
    permissions.require_admin(actor)
    opened = open_day(session, organisation=organisation, day=day)
    audit.record(
        session,
        actor=actor.login,
        action="organisation.day_opened",
        details={"code": organisation, "day": day.isoformat()},
    )
    return opened
