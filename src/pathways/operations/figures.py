"""The operational figures `/metrics` and the operations page share (see the package)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from pathways.deadlines.models import Timer, TimerState
from pathways.engine.sandbox_pool import PoolStatus, pool_status
from pathways.notifications.delivery import MAX_ATTEMPTS
from pathways.notifications.models import OutgoingMail
from pathways.people import permissions
from pathways.people.actors import Actor


@dataclass(frozen=True)
class TimerBacklog:
    """Waiting timers of one kind (duration, date, cycle) that are due and not yet fired."""

    kind: str
    due: int
    oldest_due_at: datetime | None

    def lateness_seconds(self, now: datetime) -> float:
        return (now - self.oldest_due_at).total_seconds() if self.oldest_due_at else 0.0


@dataclass(frozen=True)
class FailedMail:
    id: int
    kind: str
    created_at: datetime
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class MailQueue:
    pending: int  # not sent, still to be tried
    failed: int  # not sent, and the sender gave up on them
    latest_failed: list[FailedMail]
    oldest_pending_at: datetime | None


@dataclass(frozen=True)
class Health:
    database: bool
    workers: PoolStatus
    last_timer_fired_at: datetime | None
    version: str


@dataclass(frozen=True)
class Overview:
    timers: list[TimerBacklog]
    mail: MailQueue
    health: Health


def timer_backlog(session: Session, now: datetime) -> list[TimerBacklog]:
    """Due, unfired timers per kind, the kind with the oldest first."""
    rows = session.execute(
        select(Timer.kind, func.count(), func.min(Timer.due_at))
        .where(Timer.state == TimerState.WAITING, Timer.due_at <= now)
        .group_by(Timer.kind)
        .order_by(func.min(Timer.due_at))
    ).all()
    return [TimerBacklog(kind, count, oldest) for kind, count, oldest in rows]


def mail_counts(session: Session) -> tuple[int, int]:
    """Unsent mail: (still to be tried, given up on after `MAX_ATTEMPTS`)."""
    gave_up = OutgoingMail.attempts >= MAX_ATTEMPTS
    rows = session.execute(
        select(gave_up, func.count()).where(OutgoingMail.sent_at.is_(None)).group_by(gave_up)
    ).all()
    counts = {bool(failed): count for failed, count in rows}
    return counts.get(False, 0), counts.get(True, 0)


def mail_queue(session: Session, *, limit: int = 50) -> MailQueue:
    pending, failed_count = mail_counts(session)
    oldest = session.scalar(
        select(func.min(OutgoingMail.created_at)).where(
            OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS
        )
    )
    failed = session.execute(
        select(
            OutgoingMail.id,
            OutgoingMail.kind,
            OutgoingMail.created_at,
            OutgoingMail.attempts,
            OutgoingMail.last_error,
        )
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts >= MAX_ATTEMPTS)
        .order_by(OutgoingMail.id.desc())
        .limit(limit)
    ).all()
    return MailQueue(pending, failed_count, [FailedMail(*row) for row in failed], oldest)


def health(session: Session) -> Health:
    try:
        reached = session.execute(text("SELECT 1")).scalar() == 1
    except Exception:  # noqa: BLE001 — an unreachable database is the answer, not an error
        reached = False
    last_fired = session.scalar(select(func.max(Timer.fired_at))) if reached else None
    return Health(reached, pool_status(), last_fired, _version())


def overview(session: Session, *, actor: Actor, now: datetime) -> Overview:
    """Everything the operations page shows but the incidents, for administrators."""
    permissions.require_admin(actor)
    return Overview(timer_backlog(session, now), mail_queue(session), health(session))


def _version() -> str:
    try:
        return version("pathways")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"
