"""Shared fixtures: a migrated database per test (SQLite, and PostgreSQL when configured),
settings pointing at it, a frozen clock, and factories for the case team."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from pathways import clock
from pathways.db import migrate
from pathways.db.models import Base
from pathways.db.session import make_engine, transaction
from pathways.settings import SandboxSettings, Settings

TESTS = Path(__file__).parent
ROOT = TESTS.parent
PG_URL = os.environ.get("PATHWAYS_TEST_DATABASE_URL")
# Tests that wait for other processes wait at most their budget times this factor (set it
# above 1 on a slow or shared machine). A wait ends as soon as its condition holds, so a
# generous budget costs nothing where the machine is fast; no test asserts a rate.
TIME_SCALE = float(os.environ.get("PATHWAYS_TEST_TIME_SCALE", "1"))


def budget(base: float, *, items: int = 0, per_item: float = 0.0) -> float:
    """Seconds to wait for work of `items` pieces: a base plus a share per piece, scaled."""
    return (base + items * per_item) * TIME_SCALE


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not PG_URL, reason="PATHWAYS_TEST_DATABASE_URL is not set"),
        ],
    ),
]


# What a browser shows does not depend on the database: every service, API route and
# page is tested on both, so tests that drive Chromium run on SQLite alone (a
# PostgreSQL run of each took as long again, for nothing more proven).
ONE_BACKEND = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "pathways.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    assert PG_URL
    migrate.upgrade(PG_URL)
    return PG_URL


class Database:
    """A test database and the edge's way into it: one transaction per `tx()`."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine

    def tx(self) -> AbstractContextManager[Session]:
        return transaction(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "pathways.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        yield Database(url, engine)
        engine.dispose()
        return
    if not PG_URL:
        pytest.skip("PATHWAYS_TEST_DATABASE_URL is not set")
    url = request.getfixturevalue("postgres_migrated")
    engine = make_engine(url)
    yield Database(url, engine)
    empty_tables(engine)
    engine.dispose()


def _truncate(engine: Engine) -> None:
    """Every table emptied at once under exclusive locks: for databases that processes a
    test started may still be writing to."""
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


# Children before parents, so no foreign key is ever left dangling mid-way.
_DELETES = [f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables)]
_USED_SEQUENCES = text(
    "SELECT sequencename FROM pg_sequences"
    " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
)


def empty_tables(engine: Engine) -> None:
    """Every row gone and ids counting from 1 again, as `TRUNCATE … RESTART IDENTITY`
    leaves them, in a tenth of its time: TRUNCATE replaces each table's files (about
    a second for the whole schema, even when empty), where a test leaves a few rows.
    Only for a database nothing else writes to any more (the `db` fixture's)."""
    with engine.begin() as connection:
        for statement in _DELETES:
            connection.exec_driver_sql(statement)
        for sequence in connection.execute(_USED_SEQUENCES).scalars().all():
            connection.exec_driver_sql(f'ALTER SEQUENCE "{sequence}" RESTART')


@pytest.fixture
def settings(db: Database) -> Settings:
    return Settings(
        database_url=db.url,
        forms_dir=TESTS / "forms",
        bpmn_dir=ROOT / "bpmn",
        # Generous: a busy CI machine (or a garbage collection) must not fail a one-line
        # expression; the sandbox tests check the budget itself with their own.
        sandbox=SandboxSettings(seconds=2.0, max_size=100_000),
    )


@pytest.fixture
def frozen_clock() -> Iterator[clock.FrozenClock]:
    """Monday 23 November 2026, 09:00 in Helsinki."""
    with clock.frozen(datetime(2026, 11, 23, 7, 0, tzinfo=UTC)) as frozen:
        yield frozen


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A session inside one transaction, for tests of a single service call."""
    with db.tx() as s:
        yield s


CHROMIUM = Path("/usr/bin/chromium")
# Headless, and no connection anywhere but the pages under test.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[object]:
    """One Playwright driver for the whole run: its sync API keeps an event loop on this
    thread, so two drivers started one after the other would collide."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as driver:
        yield driver
