"""The morning job and the mail round, run wherever timers are polled.

Every morning (`PATHWAYS_DASHBOARDS__MORNING_AT`, Helsinki time): today's snapshot of
the figures (for the trends), each organisation's digest to its managers, the mail
queue, and the stored answers of idempotent requests older than a week. Every minute:
the mail queue (assignment notices), and the kept task counts folded into one row per
key (`tasks/counts.py`; the changes of a minute are few rows). All are safe to run on
every replica: a day's snapshot is replaced, a day's digest goes out once per
organisation, folding keeps every sum. A process that starts after the morning hour
and finds no snapshot for today runs the morning job at once, so a restart never skips
a day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, func, select, text

from pathways import clock
from pathways.dashboards import snapshots
from pathways.dashboards.models import DashboardSnapshot
from pathways.db.session import transaction
from pathways.idempotency import service as idempotency
from pathways.notifications import delivery, digest
from pathways.settings import Settings
from pathways.tasks import counts

log = logging.getLogger("pathways.daily")
MAIL_ROUND_SECONDS = 60
FOLD_SECONDS = 60


@dataclass(frozen=True)
class Morning:
    day: date
    snapshot_rows: int
    digests: list[str]
    sent: int
    forgotten_keys: int


def morning(engine: Engine, settings: Settings, day: date | None = None) -> Morning:
    """Snapshot, digests, mail: each step in its own transaction, mail after commit."""
    day = day or clock.local(clock.now()).date()
    with transaction(engine) as session:
        rows = snapshots.take_snapshot(session, day=day, settings=settings)
    with transaction(engine) as session:
        queued = digest.queue_digests(session, settings=settings, day=day)
    sent = delivery.deliver(engine, settings.smtp)
    with transaction(engine) as session:
        # Stored answers of idempotent requests are kept a week, then let go.
        forgotten = idempotency.forget_old(session)
    if engine.dialect.name == "sqlite":
        # SQLite plans from statistics only ANALYZE writes; without them it ignores the
        # dashboard's partial indexes (PostgreSQL's autovacuum keeps its own up to date).
        with transaction(engine) as session:
            session.execute(text("ANALYZE"))
    return Morning(day, rows, queued, sent, forgotten)


def _has_snapshot(engine: Engine, day: date) -> bool:
    with transaction(engine) as session:
        found = session.scalar(
            select(func.count()).select_from(DashboardSnapshot).where(DashboardSnapshot.day == day)
        )
    return bool(found)


class DailyJobs:
    """The morning job and the mail round on a background scheduler of their own."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._scheduler: BackgroundScheduler | None = None

    def start(self) -> None:
        at = self.settings.dashboards.morning_at
        scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            timezone=clock.HELSINKI,
        )
        scheduler.add_job(self._morning, "cron", hour=at.hour, minute=at.minute, id="morning")
        scheduler.add_job(self._mail, "interval", seconds=MAIL_ROUND_SECONDS, id="mail")
        scheduler.add_job(self._fold, "interval", seconds=FOLD_SECONDS, id="fold-counts")
        now = clock.local(clock.machine_now())
        if now.time() >= at and not _has_snapshot(self.engine, now.date()):
            scheduler.add_job(self._morning, id="catch-up", next_run_time=clock.machine_now())
        self._scheduler = scheduler
        scheduler.start()

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None

    def _morning(self) -> None:
        try:
            done = morning(self.engine, self.settings)
        except Exception:  # a failed morning is logged and retried tomorrow or on restart
            log.exception("the morning job failed")
            return
        log.info(
            "morning job done",
            extra={"day": str(done.day), "digests": len(done.digests), "sent": done.sent},
        )

    def _mail(self) -> None:
        try:
            delivery.deliver(self.engine, self.settings.smtp)
        except Exception:  # the queue keeps the mail; the next round tries again
            log.exception("the mail round failed")

    def _fold(self) -> None:
        try:
            with transaction(self.engine) as session:
                counts.compact(session)
        except Exception:  # the rows stay as they were, exact; the next round folds them
            log.exception("folding the task counts failed")
