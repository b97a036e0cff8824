"""Engines and the one way to open a transaction."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL with synchronous=NORMAL: a power loss may lose the last commit, never half of one.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    cursor.close()
    # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's own is deferred and late).
    dbapi_connection.isolation_level = None


# Execution option of a connection that only reads: on SQLite it takes no write lock.
READ_ONLY = "pathways_read_only"


class _SQLiteWriters:
    """Transactions take SQLite's write lock when they start (`BEGIN IMMEDIATE`), so two
    commands that read a case and write it back are serialised instead of failing at
    commit. Threads of this process first queue on a lock of their own: a waiter is woken
    the moment the writer ends, where SQLite's busy handler would poll in sleeps of up to
    100 ms. Other processes still meet SQLite's own lock and its busy timeout.
    """

    _HELD = "pathways_writer_lock"

    def __init__(self, wait_seconds: float) -> None:
        self._lock = threading.Lock()
        self._wait = wait_seconds

    def begin(self, conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            # A reader (WAL) never waits for a writer, e.g. `/healthz` while a request
            # runs a slow script inside its transaction.
            conn.exec_driver_sql("BEGIN")
            return
        # A timeout, not a deadlock, if this thread already writes on another connection:
        # then SQLite's own busy timeout decides, as it would without this queue.
        if self._lock.acquire(timeout=self._wait):
            conn.info[self._HELD] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._release(conn.info)
            raise

    def end(self, conn: Any) -> None:
        self._release(conn.info)

    def reset(self, dbapi_connection: Any, connection_record: Any, reset_state: Any) -> None:  # noqa: ARG002 — SQLAlchemy matches listeners by these names
        # A connection returned to the pool mid-transaction is rolled back there.
        self._release(connection_record.info)

    def _release(self, info: dict[str, Any]) -> None:
        if info.pop(self._HELD, False):
            self._lock.release()


def make_engine(url: str, **kwargs: Any) -> Engine:
    # Errors name the statement, never its parameters (client data), in logs and answers.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        writers = _SQLiteWriters(wait_seconds=_BUSY_TIMEOUT_MS / 1000)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", writers.begin)
        event.listen(engine, "commit", writers.end)
        event.listen(engine, "rollback", writers.end)
        event.listen(engine.pool, "reset", writers.reset)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine (and pool) per database URL in this process."""
    return make_engine(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session inside one transaction: committed on success, rolled back on error."""
    with session_factory(engine)() as session, session.begin():
        yield session
