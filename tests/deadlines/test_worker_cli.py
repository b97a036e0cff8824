"""`pathways worker --once` and `pathways organisations close-day` as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.deadlines import calendars
from pathways.deadlines.models import Timer
from tests.deadlines import timer_cases

BIN = Path(sys.executable).parent / "pathways"


@pytest.fixture
def pathways(db):
    if db.dialect != "sqlite":
        pytest.skip("the command line is tested on a database file")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN), *args],
            env={**os.environ, "PATHWAYS_DATABASE_URL": db.url},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return run


def test_worker_once_fires_what_is_due_and_exits(db, settings, pathways):
    template = timer_cases.seed_template(db.engine, settings)
    now = clock.now()
    due, later = timer_cases.clone_due(
        db.engine, template, [now - timedelta(minutes=5), now + timedelta(hours=1)]
    )
    result = pathways("worker", "--once")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "worker: 1 timers fired, 0 failed"
    with db.tx() as s:
        states = dict(s.execute(select(Timer.instance_id, Timer.state)).all())
    assert (states[due], states[later]) == ("fired", "waiting")


def test_an_organisation_closes_a_day(db, settings, pathways):
    timer_cases.seed_template(db.engine, settings)  # the demo organisations
    result = pathways("organisations", "close-day", "westland-ea", "2026-12-31", "--reason", "move")
    assert result.returncode == 0, result.stderr
    with db.tx() as s:
        (closed,) = calendars.closed_days(s, organisation="westland-ea")
        assert (closed.day, closed.reason) == (date(2026, 12, 31), "move")
    assert pathways("organisations", "close-day", "westland-ea", "31.12.").returncode == 65
    assert pathways("organisations", "close-day", "nobody", "2026-12-31").returncode == 66
