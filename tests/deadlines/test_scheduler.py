"""The poller as a running thing: it fires on its own, wakes at the next due time,
keeps its clock to itself, and on SQLite refuses to run beside another poller."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.deadlines.models import Timer, TimerState
from pathways.deadlines.scheduler import Poller
from pathways.errors import PollerRunning
from pathways.settings import DeadlineSettings
from tests.deadlines import timer_cases

BIN = Path(sys.executable).parent / "pathways"


def test_a_pinned_clock_is_seen_only_in_its_own_thread():
    pinned = datetime(2030, 1, 1, tzinfo=UTC)
    seen: list[datetime] = []
    with clock.pinned(pinned):
        other = threading.Thread(target=lambda: seen.append(clock.now()))
        other.start()
        other.join()
        assert clock.now() == pinned
    assert seen[0] != pinned and clock.now() != pinned


def test_a_pinned_clock_wins_over_a_frozen_one():
    with clock.frozen(datetime(2026, 1, 1, tzinfo=UTC)):
        with clock.pinned(datetime(2027, 1, 1, tzinfo=UTC)):
            assert clock.now().year == 2027
        assert clock.now().year == 2026


def test_a_started_poller_fires_what_fell_due_and_then_what_falls_due(db, settings):
    template = timer_cases.seed_template(db.engine, settings)
    now = clock.now()  # the machine clock: the database clock on SQLite and on 127.0.0.1
    (overdue,) = timer_cases.clone_due(db.engine, template, [now - timedelta(hours=1)])
    (soon,) = timer_cases.clone_due(db.engine, template, [now + timedelta(seconds=1)])
    quick = settings.model_copy(update={"deadlines": DeadlineSettings(tick_seconds=30)})
    poller = Poller(quick, engine=db.engine)
    poller.start()
    try:
        deadline = time.monotonic() + 20  # the interval tick alone would take 30 s
        while fired(db) < {overdue, soon} and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        poller.stop()
    assert fired(db) >= {overdue, soon}


def fired(db) -> set[int]:
    with db.tx() as s:
        return set(
            s.scalars(select(Timer.instance_id).where(Timer.state == TimerState.FIRED)).all()
        )


def test_on_sqlite_a_second_poller_refuses_to_run(db, settings):
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL takes any number of pollers")
    first = Poller(settings, engine=db.engine)
    first.start()
    try:
        with pytest.raises(PollerRunning):
            Poller(settings, engine=db.engine).run_once()
        result = subprocess.run(
            [str(BIN), "worker", "--once"],
            env={**os.environ, "PATHWAYS_DATABASE_URL": db.url},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        first.stop()
    assert result.returncode == 75
    assert result.stderr.strip().splitlines() == [
        "error: another timer poller is running on pathways.db; SQLite allows one"
    ]
    assert Poller(settings, engine=db.engine).run_once().fired == 0  # free again once stopped
