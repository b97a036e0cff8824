"""The daily digest: each organisation's managers hear of its overdue and at-risk tasks.

`queue_digests` is what the worker's daily job calls (wiring comes with the worker),
followed by `delivery.deliver` after commit. An organisation gets at most one digest
a day: a `digest_sent` row, unique per organisation and day, is written in the same
transaction as the queued mail, so a second run that day (or a second worker) sends
nothing. The mail names tasks and cases by number and links to them; it carries no
client data.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pathways import clock
from pathways.dashboards import service as dashboards
from pathways.dashboards.filters import IS_OPEN, DashboardFilter
from pathways.notifications.models import DigestSent
from pathways.notifications.outbox import queue
from pathways.people.actors import Actor
from pathways.people.models import Organisation, Role, User
from pathways.settings import Settings
from pathways.tasks.models import Task

LONGEST_OVERDUE = 10


def queue_digests(session: Session, *, settings: Settings, day: date | None = None) -> list[str]:
    """Queue today's digest for every organisation that has one due; return their codes."""
    if not settings.smtp.enabled:
        return []
    day = day or clock.local(clock.now()).date()
    figures = dashboards.overview(
        session, actor=Actor.operator(), filters=DashboardFilter(), settings=settings
    )
    by_organisation: dict[str, list[dashboards.StepCount]] = defaultdict(list)
    for row in figures:
        if row.overdue or row.at_risk:
            by_organisation[row.organisation].append(row)
    done = set(session.scalars(select(DigestSent.organisation_id).where(DigestSent.day == day)))
    queued = []
    for organisation in session.scalars(
        select(Organisation).where(Organisation.code.in_(by_organisation))
    ):
        managers = _managers(session, organisation.id)
        if organisation.id in done or not managers:
            continue
        if _claim(session, organisation.id, day, len(managers)):
            body = _body(session, organisation, by_organisation[organisation.code], settings)
            subject = f"Pathways: overdue and at-risk tasks in {organisation.name}, {day}"
            for manager in managers:
                assert manager.email is not None
                queue(session, kind="digest", recipient=manager.email, subject=subject, body=body)
            queued.append(organisation.code)
    return sorted(queued)


def _managers(session: Session, organisation_id: int) -> list[User]:
    people = session.scalars(
        select(User).where(
            User.organisation_id == organisation_id, User.active, User.email.is_not(None)
        )
    )
    return [user for user in people if user.has_role(Role.MANAGER)]


def _claim(session: Session, organisation_id: int, day: date, recipients: int) -> bool:
    """Record the day's digest; False if another run recorded it first."""
    try:
        with session.begin_nested():
            session.add(
                DigestSent(
                    organisation_id=organisation_id,
                    day=day,
                    recipients=recipients,
                    queued_at=clock.now(),
                )
            )
    except IntegrityError:
        return False
    return True


def _body(
    session: Session,
    organisation: Organisation,
    rows: list[dashboards.StepCount],
    settings: Settings,
) -> str:
    base = settings.smtp.base_url.rstrip("/")
    lines = [f"Overdue and at-risk tasks in {organisation.name}:", ""]
    lines += [
        f"- {r.model} / {r.step_name}: {r.overdue} overdue, {r.at_risk} at risk, {r.open} open"
        for r in rows
    ]
    longest = session.execute(
        select(Task.id, Task.instance_id, Task.name, Task.due_at)
        .where(IS_OPEN, Task.organisation_id == organisation.id, Task.due_at < clock.now())
        .order_by(Task.due_at, Task.id)
        .limit(LONGEST_OVERDUE)
    ).all()
    if longest:
        lines += ["", "Longest overdue:"]
        lines += [
            f"- {name} (case {case}), due {clock.local(due).date()}: {base}/tasks/{task}"
            for task, case, name, due in longest
            if due is not None
        ]
    lines += ["", f"The dashboard: {base}/dashboard?organisation={organisation.code}", ""]
    return "\n".join(lines)
