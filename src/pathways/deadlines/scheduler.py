"""The timer poller as a running thing: `Poller(settings).start()` / `.stop()`, or `run_once()`.

APScheduler is only the in-process tick: a memory job store, an interval job every
`tick_seconds` (which also picks up timers whose lease ran out), and a one-off wake-up
at the next due time so a timer fires well under a second late. It never stores
timers: the `timer` table is the only record, so timers that fell due while nothing
ran fire on the first tick after start.

On SQLite one poller serves a database file: it holds an exclusive lock file beside
the database for its whole life, and a second one refuses to start (`PollerRunning`).
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from pathways import clock
from pathways.db.session import engine_for
from pathways.deadlines import poller
from pathways.deadlines.poller import NowSource, TickReport, database_now
from pathways.errors import PollerRunning
from pathways.settings import Settings

log = logging.getLogger(__name__)

_MAX_TICKS_ONCE = 10_000  # `run_once` stops here even if timers keep falling due


@dataclass
class Totals:
    """What a poller did since it started."""

    fired: int = 0
    failed: int = 0
    lost: int = 0

    def add(self, report: TickReport) -> None:
        self.fired += report.fired
        self.failed += report.failed
        self.lost += report.lost


class Poller:
    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine | None = None,
        now_source: NowSource = database_now,
    ) -> None:
        self.settings = settings
        self.engine = engine or engine_for(settings.database_url)
        self.now_source = now_source
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:128]
        self.totals = Totals()
        self._lock_file: IO[str] | None = None
        self._scheduler: BackgroundScheduler | None = None
        self._state = threading.Lock()
        self._running = False
        self._again = False
        self._stopping = threading.Event()

    def start(self) -> None:
        """Tick now (to fire what fell due while nothing ran), then in the background."""
        self._take_sqlite_lock()
        self._stopping.clear()
        scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(2)},
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            timezone=UTC,
        )
        scheduler.add_job(
            self._run,
            "interval",
            seconds=self.settings.deadlines.tick_seconds,
            id="tick",
            next_run_time=clock.machine_now(),
            max_instances=4,  # an overlapping tick only leaves a note (see `_run`)
        )
        self._scheduler = scheduler
        scheduler.start()
        log.info("timer poller %s started", self.owner)

    def stop(self) -> None:
        """Finish the case being fired, stop ticking, give up the SQLite lock."""
        self._stopping.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
        self._release_sqlite_lock()

    def run_once(self) -> Totals:
        """Fire everything due now, batch by batch, and return (for `pathways worker --once`)."""
        self._take_sqlite_lock()
        try:
            for _ in range(_MAX_TICKS_ONCE):
                report = self._tick()
                if report.claimed < self.settings.deadlines.batch_size:
                    break
        finally:
            self._release_sqlite_lock()
        return self.totals

    def _tick(self) -> TickReport:
        report = poller.tick(
            self.engine, self.settings, owner=self.owner, now_source=self.now_source
        )
        self.totals.add(report)
        return report

    def _run(self) -> None:
        # The interval job and wake-ups may overlap: one runs, the other leaves a note
        # that it came, and the running one goes round again. Deciding to stop and
        # clearing `_running` happen under one lock, so no note is ever missed.
        with self._state:
            if self._running:
                self._again = True
                return
            self._running, self._again = True, False
        try:
            more = True
            while more:
                report = self._tick()
                with self._state:
                    full = report.claimed >= self.settings.deadlines.batch_size
                    more = not self._stopping.is_set() and (self._again or full)
                    self._again = False
                    self._running = more
        except Exception:  # a database outage: log it, the interval tick tries again
            log.exception("timer poller tick failed")
        finally:
            with self._state:
                self._running = False
        self._schedule_wake()

    def _schedule_wake(self) -> None:
        scheduler = self._scheduler
        if scheduler is None or self._stopping.is_set():
            return
        try:
            delay = poller.seconds_to_next(self.engine, now_source=self.now_source)
        except Exception:
            log.exception("timer poller could not read the next due time")
            return
        if delay is None or delay >= self.settings.deadlines.tick_seconds:
            return  # the interval tick comes first
        # APScheduler counts on the machine clock: wake after `delay` as the database
        # counts it, whatever the machine thinks the time is.
        at = datetime.fromtimestamp(time.time() + delay, UTC)
        try:
            # More than one instance: the wake-up being replaced may still be finishing.
            scheduler.add_job(
                self._run, "date", run_date=at, id="wake", replace_existing=True, max_instances=4
            )
        except Exception:  # the scheduler is shutting down
            log.debug("no wake-up scheduled", exc_info=True)

    def _take_sqlite_lock(self) -> None:
        path = _sqlite_file(self.settings.database_url)
        if path is None or self._lock_file is not None:
            return
        handle = open(path.with_name(path.name + ".poller.lock"), "a")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise PollerRunning(
                f"another timer poller is running on {path.name}; SQLite allows one"
            ) from None
        self._lock_file = handle

    def _release_sqlite_lock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None


def _sqlite_file(url: str) -> Path | None:
    parsed: Any = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()
