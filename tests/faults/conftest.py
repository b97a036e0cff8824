"""Fault tests run real `pathways serve` and `pathways worker` processes on PostgreSQL and
kill them, or the database, at awkward moments. Data is seeded through the real services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.audit.models import AuditEvent
from pathways.db import migrate
from pathways.db.session import make_engine
from pathways.local_cluster import LocalCluster, worker_available
from pathways.people import tokens
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskState
from tests import factories
from tests.conftest import PG_URL, ROOT, TESTS, Database, _truncate

POSTGRES = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="PATHWAYS_TEST_DATABASE_URL is not set"),
]
NEEDS_WORKER = pytest.mark.skipif(
    not worker_available(), reason="`pathways worker` (the timer poller) is not a command yet"
)
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


def seed(
    db: Database, cases: int, *, model: str = "handoff", at: datetime | None = None
) -> tuple[str, list[int]]:
    """The demo team, `model` deployed, and `cases` cases started (at `at` if given);
    returns a token of Barsby's caseworker anna and the ids of the cases' open tasks."""
    settings = settings_for(db.url)
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, model)
        token = tokens.issue(s, login="anna")
    with clock.frozen(at) if at else nullcontext():
        for first in range(0, cases, 200):
            with db.tx() as s:
                for n in range(first, min(cases, first + 200)):
                    factories.start(s, settings, model, reference=f"F-{n}")
    with db.tx() as s:
        ids = list(
            s.scalars(select(Task.id).where(Task.state == TaskState.OPEN).order_by(Task.id))
        )
    return token, ids


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
