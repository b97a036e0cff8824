"""One tick of the timer poller: claim due timers, fire them case by case, release.

Contract:
- Due-ness is decided by the database's clock (`database_now`), never the machine's:
  the claim compares against it, and the engine fires with `pathways.clock` pinned to
  it, so a poller whose machine clock runs ahead fires nothing early.
- A claim is one short transaction: on PostgreSQL `UPDATE … WHERE id IN (SELECT …
  FOR UPDATE SKIP LOCKED LIMIT n)` sets a lease and counts the attempt; SQLite has
  one writer at a time and one poller per file (see `scheduler`).
- A claimed batch fires in one transaction, each case under its lock; its timers are
  marked fired only if this poller still holds every lease when it commits. Any
  failure or lost lease rolls the batch back, and it is retried one case per
  transaction: a lost lease leaves that case to whoever holds it now, a failure is
  written to its timers (`last_error`, `attempts`, `next_attempt_at` with a doubling
  backoff) and never holds up the other cases.
- A case whose firing the model made fail `incident_after` times becomes an incident
  (`pathways.incidents`); no timer of a case with an open incident is claimed.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.orm import Session

from pathways import clock
from pathways.cases.models import InstanceState, ProcessInstance
from pathways.db.session import transaction
from pathways.deadlines.firing import fire_due
from pathways.deadlines.models import Timer, TimerState
from pathways.errors import PathwaysError
from pathways.incidents import service as incidents
from pathways.settings import Settings

log = logging.getLogger(__name__)

NowSource = Callable[[Session], datetime]


def database_now(session: Session) -> datetime:
    """The database's clock; on SQLite (same machine) the process clock."""
    if session.get_bind().dialect.name == "postgresql":
        moment = session.scalar(select(func.clock_timestamp()))
        assert isinstance(moment, datetime)
        return moment
    return clock.now()


class LeaseLost(Exception):
    """Another poller took a timer over while this one was firing it."""


class NotFired(Exception):
    """The engine did not fire a timer the projection says is due."""


class CaseFailed(Exception):
    """The model made one case of a batch fail: written down without firing it again.

    Firing a poison case twice per tick would cost two killed workers instead of one."""

    def __init__(self, instance_id: int, error: PathwaysError) -> None:
        super().__init__(error.message)
        self.instance_id = instance_id
        self.error = error


@dataclass(frozen=True)
class Claimed:
    id: int
    instance_id: int
    spiff_task_id: str
    due_at: datetime


@dataclass(frozen=True)
class TickReport:
    claimed: int = 0
    fired: int = 0
    failed: int = 0
    lost: int = 0


def claim(
    session: Session, *, owner: str, now: datetime, limit: int, lease: timedelta
) -> list[Claimed]:
    """Lease up to `limit` due timers nobody holds, earliest first."""
    due = (
        select(Timer.id)
        .where(
            Timer.state == TimerState.WAITING,
            Timer.due_at < now,  # strictly, as the engine compares
            or_(Timer.next_attempt_at.is_(None), Timer.next_attempt_at <= now),
            or_(Timer.lease_until.is_(None), Timer.lease_until < now),
            ~incidents.blocks(Timer.instance_id),
        )
        .order_by(Timer.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = session.execute(
        update(Timer)
        .where(Timer.id.in_(due.scalar_subquery()))
        .values(lease_owner=owner, lease_until=now + lease, attempts=Timer.attempts + 1)
        .returning(Timer.id, Timer.instance_id, Timer.spiff_task_id, Timer.due_at)
        .execution_options(synchronize_session=False)
    ).all()
    return [Claimed(r.id, r.instance_id, r.spiff_task_id, r.due_at) for r in rows]


def tick(
    engine: Engine, settings: Settings, *, owner: str, now_source: NowSource = database_now
) -> TickReport:
    """Claim one batch (at most `batch_size` timers) and fire it."""
    config = settings.deadlines
    with transaction(engine) as session:
        claimed = claim(
            session,
            owner=owner,
            now=now_source(session),
            limit=config.batch_size,
            lease=timedelta(seconds=config.lease_seconds),
        )
    cases: dict[int, list[Claimed]] = defaultdict(list)
    for timer in claimed:
        cases[timer.instance_id].append(timer)
    try:
        return fire_together(engine, settings, cases, owner=owner, now_source=now_source)
    except Exception as error:  # noqa: BLE001 — retried case by case below
        # Rare: a case failed or a lease ran out. Case by case, so that only the failing
        # case is written down as failed and only the lost leases are skipped.
        log.info("batch of %s cases retried one by one: %s", len(cases), _reason(error))
        known = {error.instance_id: error.error} if isinstance(error, CaseFailed) else {}
        return fire_one_by_one(
            engine, settings, cases, owner=owner, now_source=now_source, known=known
        )


def fire_together(
    engine: Engine,
    settings: Settings,
    cases: dict[int, list[Claimed]],
    *,
    owner: str,
    now_source: NowSource,
) -> TickReport:
    """Every claimed case in one transaction, all or nothing.

    One commit (and one disk flush) per batch rather than per case, and no savepoints:
    failures are rare, and any failure (or a lease lost to another poller) rolls the
    batch back for `tick` to retry case by case. The cases of a batch stay locked until
    it commits, which `batch_size` bounds.
    """
    with transaction(engine) as session:
        at_start, started = now_source(session), time.monotonic()
        for instance_id, timers in cases.items():
            # The database's clock without asking it again, so each case has its own
            # moment (and lateness): its time at the start plus what has passed since.
            now = at_start + timedelta(seconds=time.monotonic() - started)
            try:
                _fire(session, settings, instance_id, timers, now)
            except PathwaysError as error:
                raise CaseFailed(instance_id, error) from None
        ids = [t.id for timers in cases.values() for t in timers]
        _hold_leases(session, ids, owner, now_source)
        _release(session, ids)
    return TickReport(len(ids), len(ids), 0, 0)


def fire_one_by_one(
    engine: Engine,
    settings: Settings,
    cases: dict[int, list[Claimed]],
    *,
    owner: str,
    now_source: NowSource,
    known: dict[int, PathwaysError] | None = None,
) -> TickReport:
    """Each case in a transaction of its own; `known` failures are written, not re-fired."""
    fired = failed = lost = 0
    for instance_id, timers in cases.items():
        try:
            if known and instance_id in known:
                raise known[instance_id]
            fire_case(engine, settings, instance_id, timers, owner=owner, now_source=now_source)
            fired += len(timers)
        except LeaseLost:
            lost += len(timers)
        except Exception as error:  # noqa: BLE001 — any failure is the timer's, not the tick's
            log.warning("timers of case %s failed: %s", instance_id, _reason(error))
            try:
                with transaction(engine) as session:
                    _hold_leases(session, [t.id for t in timers], owner, now_source)
                    attempts = _write_failure(session, settings, timers, error, now_source(session))
                    _give_up_if_poisoned(session, settings, instance_id, timers, error, attempts)
                failed += len(timers)
            except LeaseLost:  # another poller holds them now: theirs to write down
                lost += len(timers)
    return TickReport(fired + failed + lost, fired, failed, lost)


def fire_case(
    engine: Engine,
    settings: Settings,
    instance_id: int,
    timers: Sequence[Claimed],
    *,
    owner: str,
    now_source: NowSource,
) -> None:
    """Fire a case's due timers in one transaction that commits only under our lease."""
    with transaction(engine) as session:
        _fire(session, settings, instance_id, timers, now_source(session))
        ids = [t.id for t in timers]
        _hold_leases(session, ids, owner, now_source)
        _release(session, ids)


def _fire(
    session: Session,
    settings: Settings,
    instance_id: int,
    timers: Sequence[Claimed],
    now: datetime,
) -> None:
    with clock.pinned(now):
        firing = fire_due(session, instance_id=instance_id, settings=settings)
    if all(t.spiff_task_id in firing.fired for t in timers):
        return
    claimed_due = {t.id: t.due_at for t in timers}
    after = session.execute(
        select(Timer.id, Timer.state, Timer.due_at).where(Timer.id.in_(claimed_due))
    ).all()
    # Still waiting at the same due time: the engine did not fire it. (A cycle that
    # fired has moved on to its next due time.)
    stuck = [r.id for r in after if r.state == TimerState.WAITING and r.due_at == claimed_due[r.id]]
    if stuck:
        _settle_stuck(session, instance_id, stuck)


def _hold_leases(session: Session, ids: list[int], owner: str, now_source: NowSource) -> None:
    """Lock the timers and make sure they are still ours; else `LeaseLost`."""
    held = session.scalars(
        select(Timer.id)
        .where(
            Timer.id.in_(ids), Timer.lease_owner == owner, Timer.lease_until > now_source(session)
        )
        .with_for_update()
    ).all()
    if len(held) < len(ids):
        raise LeaseLost


def _release(session: Session, ids: list[int]) -> None:
    session.execute(
        update(Timer)
        .where(Timer.id.in_(ids))
        .values(lease_owner=None, lease_until=None, next_attempt_at=None, last_error=None)
        .execution_options(synchronize_session=False)
    )


def _settle_stuck(session: Session, instance_id: int, ids: list[int]) -> None:
    """A due timer the engine did not fire: stale if the case has ended, else a failure."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is not None and instance.state == InstanceState.RUNNING:
        raise NotFired("the engine did not fire the timer although it is due")
    session.execute(
        update(Timer)
        .where(Timer.id.in_(ids))
        .values(state=TimerState.CANCELLED)
        .execution_options(synchronize_session=False)
    )


def _write_failure(
    session: Session,
    settings: Settings,
    timers: Sequence[Claimed],
    error: BaseException,
    now: datetime,
) -> int:
    """The reason and the next try, and the lease given up (the caller holds it).

    Returns the most attempts any of the timers has had."""
    config = settings.deadlines
    rows = session.execute(
        select(Timer.id, Timer.attempts).where(Timer.id.in_([t.id for t in timers]))
    ).all()
    session.execute(
        update(Timer),
        [
            {
                "id": row.id,
                "last_error": _reason(error),
                "next_attempt_at": now
                + backoff(row.attempts, config.backoff_seconds, config.max_backoff_seconds),
                "lease_owner": None,
                "lease_until": None,
            }
            for row in rows
        ],
    )
    return max((row.attempts for row in rows), default=0)


def _give_up_if_poisoned(
    session: Session,
    settings: Settings,
    instance_id: int,
    timers: Sequence[Claimed],
    error: BaseException,
    attempts: int,
) -> None:
    """After `incident_after` failed firings, the case becomes an incident and waits.

    Only failures the model causes (a script or timer that failed, crashed or froze its
    worker, a case the engine cannot advance) count: a database or lease problem, or no
    free script worker, is the replica's, not the case's, and is retried with backoff
    alone."""
    if not isinstance(error, PathwaysError) or attempts < settings.deadlines.incident_after:
        return
    if getattr(error, "transient", False):  # every script worker was busy: load, not poison
        return
    element = getattr(error, "element", None) or _timer_element(session, timers)
    incidents.open_incident(
        session,
        instance_id=instance_id,
        element=element,
        reason=_reason(error),
        attempts=attempts,
    )


def _timer_element(session: Session, timers: Sequence[Claimed]) -> str:
    found = session.scalar(select(Timer.bpmn_id).where(Timer.id == timers[0].id))
    return found or "timer"


def backoff(attempts: int, base: float, ceiling: float) -> timedelta:
    """base, 2·base, 4·base … after the first, second, third failed attempt; at most ceiling."""
    exponent = min(max(attempts - 1, 0), 32)
    return timedelta(seconds=min(base * 2**exponent, ceiling))


def seconds_to_next(engine: Engine, *, now_source: NowSource = database_now) -> float | None:
    """Seconds until the next timer nobody holds is due (0 if one is due now), or None."""
    with transaction(engine) as session:
        now = now_source(session)
        earliest = session.scalar(
            select(func.min(func.coalesce(Timer.next_attempt_at, Timer.due_at))).where(
                Timer.state == TimerState.WAITING,
                or_(Timer.lease_until.is_(None), Timer.lease_until < now),
                ~incidents.blocks(Timer.instance_id),
            )
        )
    if earliest is None:
        return None
    if earliest.tzinfo is None:  # SQLite hands back coalesce() results as naive UTC
        earliest = earliest.replace(tzinfo=now.tzinfo)
    return max((earliest - now).total_seconds(), 0.0)


def _reason(error: BaseException) -> str:
    if isinstance(error, PathwaysError):
        return error.message
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:500]
