"""Whose working days: the Finnish calendar plus days closed for everyone (settings)
and days one organisation is closed (the `closed_day` table).

`dueInWorkingDays` counts in the calendar of the organisation the task goes to. The
working-day helpers of scripts and timer expressions (`working_days_deadline`,
`working_days_later`, `add_working_days`) count in the calendar of the organisation of
the case team that serves the lane the script, timer or its step sits in
(`team_closed_days`); outside any lane, public holidays and days closed everywhere only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.calendar import WorkingCalendar, calendar_closed_on
from pathways.deadlines.models import ClosedDay
from pathways.errors import InvalidData
from pathways.people import permissions
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.people.models import Organisation


def calendar_for(
    session: Session, *, organisation_id: int | None, everywhere: Collection[date] = ()
) -> WorkingCalendar:
    """The working days of an organisation: holidays, `everywhere` and its own closures."""
    days = set(everywhere)
    if organisation_id is not None:
        own = select(ClosedDay.day).where(ClosedDay.organisation_id == organisation_id)
        days.update(session.scalars(own))
    return calendar_closed_on(frozenset(days))


def team_closed_days(
    session: Session, *, team: Mapping[str, str], everywhere: Collection[date] = ()
) -> Callable[[str | None], frozenset[date]]:
    """The days closed for the team member of an organisation kind (by kind code), plus
    `everywhere`. Read in one query the first time a script asks, then kept for the call."""
    closed: dict[str, frozenset[date]] | None = None
    common = frozenset(everywhere)

    def for_kind(kind: str | None) -> frozenset[date]:
        nonlocal closed
        if kind is None or kind not in team:
            return common
        if closed is None:
            closed = _closed_by_code(session, set(team.values()))
        return common | closed.get(team[kind], frozenset())

    return for_kind


def _closed_by_code(session: Session, codes: Collection[str]) -> dict[str, frozenset[date]]:
    rows = session.execute(
        select(Organisation.code, ClosedDay.day)
        .join(ClosedDay, ClosedDay.organisation_id == Organisation.id)
        .where(Organisation.code.in_(codes))
    )
    found: dict[str, set[date]] = {}
    for code, day in rows:
        found.setdefault(code, set()).add(day)
    return {code: frozenset(days) for code, days in found.items()}


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
