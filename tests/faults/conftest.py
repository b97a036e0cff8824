"""Fault tests run real `pathways serve` and `pathways worker` processes on PostgreSQL and
kill them, or the database, at awkward moments. Data is seeded through the real services."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests import bulk, factories
from tests.conftest import PG_URL, ROOT, TESTS, Database, _truncate

from pathways import clock
from pathways.audit.models import AuditEvent
from pathways.db import migrate
from pathways.db.session import make_engine
from pathways.deadlines.models import Timer, TimerState
from pathways.local_cluster import LocalCluster, worker_available
from pathways.people import tokens
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskState

POSTGRES = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="PATHWAYS_TEST_DATABASE_URL is not set"),
]
NEEDS_WORKER = pytest.mark.skipif(
    not worker_available(), reason="`pathways worker` (the timer poller) is not a command yet"
)
# Short leases and ticks so tests need not wait out production's (settings a worker
# without them ignores).
QUICK_WORKER = {"PATHWAYS_DEADLINES__LEASE_SECONDS": "3", "PATHWAYS_DEADLINES__TICK_SECONDS": "1"}
FORM_DATA = {"summary": "Explained the services", "jobseeker": True}


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, forms_dir=TESTS / "forms", bpmn_dir=ROOT / "bpmn")


@contextmanager
def fresh_database(url: str) -> Iterator[Database]:
    """The migrated database, emptied before and after."""
    migrate.upgrade(url)
    engine = make_engine(url)
    _truncate(engine)
    try:
        yield Database(url, engine)
    finally:
        _truncate(engine)
        engine.dispose()


@pytest.fixture
def faults_db() -> Iterator[Database]:
    assert PG_URL
    with fresh_database(PG_URL) as database:
        yield database


@dataclass
class Seeded:
    token: str  # anna's, a caseworker of Barsby
    tasks: list[int]  # the open first steps of the cases started now
    timed: list[int]  # the cases started at `timed_at`, whose deadline timers fall due first


def seed(db: Database, cases: int, *, timed: int = 0, timed_at: datetime | None = None) -> Seeded:
    """The demo team, the hand-off model (a 3-day deadline on its first step) deployed,
    `cases` cases started now and `timed` more started at `timed_at`."""
    settings = settings_for(db.url)
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "handoff")
        token = tokens.issue(s, login="anna")
    fresh = _start(db, settings, cases, "F")
    with clock.frozen(timed_at) if timed_at else nullcontext():
        early = _start(db, settings, timed, "T")
    with db.tx() as s:
        ids = s.scalars(
            select(Task.id)
            .where(Task.instance_id.in_(fresh), Task.state == TaskState.OPEN)
            .order_by(Task.id)
        )
        return Seeded(token, list(ids), early)


def _start(db: Database, settings: Settings, count: int, prefix: str) -> list[int]:
    """One case through the services, the rest copied from it in bulk."""
    if count == 0:
        return []
    with db.tx() as s:
        first = factories.start(s, settings, "handoff", reference=f"{prefix}-first").id
    return [first, *bulk.clone(db.engine, templates=[first], count=count - 1, prefix=prefix)]


def wait_until(
    condition: Callable[[], bool],
    *,
    within: float,
    pause: float = 0.2,
    seen: Callable[[], object] = lambda: "(nothing recorded)",
) -> bool:
    """True once `condition` holds; after `within` seconds, fail with what `seen` says."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(pause)
    if condition():
        return True
    raise AssertionError(f"not so within {within:.0f} s; seen: {seen()}")


def fired_once(db: Database, case_ids: list[int]) -> bool:
    """Every case's deadline fired exactly once: one fired timer row, one audit record and
    one escalation task per case."""
    with db.tx() as s:
        fired = s.execute(
            select(Timer.instance_id, func.count())
            .where(Timer.instance_id.in_(case_ids), Timer.state == TimerState.FIRED)
            .group_by(Timer.instance_id)
        ).all()
        escalations = s.execute(
            select(Task.instance_id, func.count())
            .where(Task.instance_id.in_(case_ids), Task.bpmn_id == "escalate")
            .group_by(Task.instance_id)
        ).all()
        audited = s.execute(
            select(AuditEvent.instance_id, func.count())
            .where(AuditEvent.instance_id.in_(case_ids), AuditEvent.action == "timer.fired")
            .group_by(AuditEvent.instance_id)
        ).all()
    once = dict.fromkeys(case_ids, 1)
    return dict(fired) == once and dict(escalations) == once and dict(audited) == once


def timers_fired(db: Database) -> int:
    with db.tx() as s:
        query = select(func.count()).select_from(Timer).where(Timer.state == TimerState.FIRED)
        return int(s.scalar(query) or 0)


def count_audit(db: Database, action: str, **where: int) -> int:
    with db.tx() as s:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        return int(s.scalar(query) or 0)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LocalCluster]:
    """No process yet: tests start replicas and workers on the database they choose."""
    with LocalCluster(
        PG_URL or "",
        tmp_path,
        environment={"PATHWAYS_FORMS_DIR": str(TESTS / "forms"), "PATHWAYS_FAULT__TESTING": "true"},
    ) as started:
        yield started
