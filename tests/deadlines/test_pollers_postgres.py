"""Pollers as separate processes on one PostgreSQL database: each timer fires once,
whatever happens to the pollers, and never before the database's clock says so."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from pathways.audit.models import AuditEvent
from pathways.db.session import make_engine
from pathways.deadlines.models import Timer, TimerState
from pathways.settings import Settings
from pathways.tasks.models import Task
from tests.conftest import PG_URL, TESTS, Database, budget
from tests.conftest import _truncate as truncate
from tests.deadlines import timer_cases

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="PATHWAYS_TEST_DATABASE_URL is not set"),
]

BIN = Path(sys.executable).parent / "pathways"
WAIT_LIMIT = budget(90)  # seconds any one test waits for its pollers


@pytest.fixture
def pg(request) -> Iterator[Database]:
    """The PostgreSQL test database only: these tests are about concurrent pollers."""
    url = request.getfixturevalue("postgres_migrated")
    engine = make_engine(url)
    yield Database(url, engine)
    truncate(engine)
    engine.dispose()


@pytest.fixture
def template(pg):
    settings = Settings(database_url=pg.url, forms_dir=TESTS / "forms")
    return timer_cases.seed_template(pg.engine, settings)


def db_now(db) -> datetime:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT clock_timestamp()")).scalar_one()


class Pollers:
    """`pathways worker` processes, each killed at the end of the test at the latest."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.running: list[subprocess.Popen[str]] = []

    def env(self, **deadlines: object) -> dict[str, str]:
        env = {**os.environ, "PATHWAYS_DATABASE_URL": self.url}
        env["PATHWAYS_DEADLINES__TICK_SECONDS"] = "0.5"
        for name, value in deadlines.items():
            env[f"PATHWAYS_DEADLINES__{name.upper()}"] = str(value)
        return env

    def start(self, **deadlines: object) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [str(BIN), "worker"],
            env=self.env(**deadlines),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.running.append(process)
        return process

    def once(self, **deadlines: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN), "worker", "--once"],
            env=self.env(**deadlines),
            capture_output=True,
            text=True,
            timeout=WAIT_LIMIT,
            check=False,
        )

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.running.clear()


@pytest.fixture
def pollers(pg) -> Iterator[Pollers]:
    running = Pollers(pg.url)
    try:
        yield running
    finally:
        for process in running.running:
            if process.poll() is None:
                process.kill()
                process.wait()


def waiting_count(db) -> int:
    with db.tx() as s:
        return s.scalar(
            select(func.count()).select_from(Timer).where(Timer.state == TimerState.WAITING)
        )


def wait_until_fired(db, expected_waiting: int = 1) -> None:
    """Until only the template's far-off timer (and `expected_waiting - 1` more) waits."""
    deadline = time.monotonic() + WAIT_LIMIT
    while waiting_count(db) > expected_waiting:
        assert time.monotonic() < deadline, f"{waiting_count(db)} timers still waiting"
        time.sleep(0.25)


def assert_each_fired_once(db, case_ids: list[int]) -> None:
    with db.tx() as s:
        fired = s.scalar(
            select(func.count())
            .select_from(Timer)
            .where(Timer.instance_id.in_(case_ids), Timer.state == TimerState.FIRED)
        )
        tasks_per_case = dict(
            s.execute(
                select(Task.instance_id, func.count())
                .where(Task.instance_id.in_(case_ids))
                .group_by(Task.instance_id)
            ).all()
        )
        firings = dict(
            s.execute(
                select(AuditEvent.instance_id, func.count())
                .where(AuditEvent.instance_id.in_(case_ids), AuditEvent.action == "timer.fired")
                .group_by(AuditEvent.instance_id)
            ).all()
        )
    assert fired == len(case_ids)
    assert set(tasks_per_case.values()) == {1} and len(tasks_per_case) == len(case_ids)
    assert set(firings.values()) == {1} and len(firings) == len(case_ids)


def test_three_pollers_fire_2000_due_timers_each_exactly_once(pg, template, pollers):
    now = db_now(pg)
    cases = timer_cases.clone_due(
        pg.engine, template, [now - timedelta(milliseconds=i) for i in range(2000)]
    )
    for _ in range(3):
        pollers.start(batch_size=50)
    wait_until_fired(pg)
    pollers.stop_all()
    assert_each_fired_once(pg, cases)


def test_timers_of_a_killed_poller_fire_once_after_its_lease_ends(pg, template, pollers):
    now = db_now(pg)
    cases = timer_cases.clone_due(
        pg.engine, template, [now - timedelta(milliseconds=i) for i in range(300)]
    )
    doomed = pollers.start(batch_size=300, lease_seconds=3)
    deadline = time.monotonic() + WAIT_LIMIT
    while True:  # until it holds leases
        with pg.tx() as s:
            held = s.execute(
                select(Timer.id, Timer.lease_until).where(
                    Timer.lease_owner.is_not(None), Timer.state == TimerState.WAITING
                )
            ).all()
        if held:
            break
        assert time.monotonic() < deadline and doomed.poll() is None
        time.sleep(0.02)
    doomed.kill()  # SIGKILL: no chance to give anything back
    doomed.wait()
    leases = dict(held)

    pollers.start()
    wait_until_fired(pg)
    pollers.stop_all()
    assert_each_fired_once(pg, cases)
    with pg.tx() as s:
        taken_over = s.execute(
            select(Timer.id, Timer.fired_at, Timer.attempts).where(Timer.id.in_(leases))
        ).all()
    # Claimed by the killed poller (its batch rolled back with its connection), then by
    # the next one once the lease was over.
    assert {attempts for _, _, attempts in taken_over} == {2}
    for timer_id, fired_at, _ in taken_over:
        assert fired_at >= leases[timer_id]


def test_timers_that_fell_due_while_all_pollers_were_stopped_fire_on_start(pg, template, pollers):
    pollers.start()
    pollers.start()
    pollers.stop_all()
    now = db_now(pg)
    due = [now - timedelta(seconds=600) + timedelta(seconds=i) for i in range(500)]
    cases = timer_cases.clone_due(pg.engine, template, due)

    pollers.start()
    pollers.start()
    wait_until_fired(pg)
    pollers.stop_all()
    assert_each_fired_once(pg, cases)
    with pg.tx() as s:
        late = s.execute(
            select(Timer.due_at, Timer.fired_at, Timer.lateness_seconds).where(
                Timer.instance_id.in_(cases)
            )
        ).all()
    for due_at, fired_at, lateness in late:
        assert lateness == pytest.approx((fired_at - due_at).total_seconds())
        assert lateness >= (now - due_at).total_seconds()


def test_a_poller_whose_clock_is_an_hour_ahead_fires_nothing_early(pg, template, pollers):
    now = db_now(pg)
    (past,) = timer_cases.clone_due(pg.engine, template, [now - timedelta(seconds=1)])
    future = timer_cases.clone_due(
        pg.engine, template, [now + timedelta(minutes=m) for m in (1, 10, 30, 59)]
    )
    result = pollers.once(clock_skew_for_tests_seconds=3600)
    assert result.returncode == 0, result.stderr
    with pg.tx() as s:
        fired = dict(s.execute(select(Timer.instance_id, Timer.state)).all())
    assert fired[past] == TimerState.FIRED
    assert {fired[case] for case in future} == {TimerState.WAITING}
