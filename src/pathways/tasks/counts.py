"""Kept counts of open tasks, written in the same transaction as every task row change.

Every change is an appended row of signed counts (`task_count`), never an update of a
shared one: two caseworkers closing tasks of the same step do not queue on one row,
and a poller's batch cannot deadlock against a request over it. `compact` folds the
rows into one per key (the scheduler does, every minute); `rebuild` recounts from the
task rows (after bulk loads that bypass the projection).

The dashboards read these counts per due day; only parts of the days of `now` and of the
end of the at-risk window are counted from the task rows, so the overview stays exact at
any moment while reading a few rows per step instead of every open task. Days past are
all overdue alike, so folding also moves every day before `SETTLED` days ago onto that
day: a key's past is then one row, not one per day of the past months.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import case, delete, func, insert, literal, select, text
from sqlalchemy.orm import Session

from pathways import clock
from pathways.db.base import table_of
from pathways.tasks.models import TaskCount


class CountKey(NamedTuple):
    organisation_id: int
    model_id: int
    step: str
    step_name: str
    due_on: date | None


Changes = Counter[CountKey]


def due_day(due_at: datetime | None) -> date | None:
    return None if due_at is None else due_at.astimezone(UTC).date()


def key_of(
    organisation_id: int | None,
    model_id: int,
    step: str,
    step_name: str,
    due_at: datetime | None,
) -> CountKey | None:
    """The key a task is counted under; None for a task no organisation serves (the
    dashboards list organisations' work only)."""
    if organisation_id is None:
        return None
    return CountKey(organisation_id, model_id, step, step_name, due_day(due_at))


_COLUMNS = ("organisation_id", "model_id", "step", "step_name", "due_on")


def record(session: Session, changes: Changes) -> None:
    """Append the non-zero changes, in one statement."""
    rows = [{**key._asdict(), "open": n} for key, n in sorted(changes.items(), key=_order) if n]
    if rows:
        session.execute(_APPEND, rows)


_APPEND = insert(table_of(TaskCount))


def _order(item: tuple[CountKey, int]) -> tuple[int, int, str, str, date]:
    key = item[0]
    return (*key[:4], key.due_on or date.min)


# Days before today less this many are folded onto one; the margin keeps them past for
# any replica whose clock is behind the folding one's.
SETTLED = timedelta(days=2)


def settled_day(now: datetime) -> date:
    """The day that every earlier due day is folded onto."""
    return now.astimezone(UTC).date() - SETTLED


def compact(session: Session) -> None:
    """Fold every key's rows into one per due day (dropping keys that sum to nothing), the
    days before `settled_day` onto that day."""
    settled = settled_day(clock.now())
    if session.get_bind().dialect.name == "postgresql":
        # One statement, one snapshot: a row committed meanwhile is either folded or kept.
        others = ", ".join(_COLUMNS[:-1])
        session.execute(
            text(
                f"WITH gone AS (DELETE FROM task_count RETURNING {others}, due_on, open),"  # noqa: S608 (constants)
                " folded AS (SELECT"
                f" {others}, CASE WHEN due_on < :settled THEN :settled ELSE due_on END AS due_on,"
                " open FROM gone)"
                f" INSERT INTO task_count ({others}, due_on, open)"
                f" SELECT {others}, due_on, sum(open) FROM folded"
                f" GROUP BY {others}, due_on HAVING sum(open) <> 0"
            ),
            {"settled": settled},
        )
        return
    # SQLite has one writer at a time: reading, deleting and writing back is exact.
    table = table_of(TaskCount)
    day = case((table.c.due_on < settled, literal(settled)), else_=table.c.due_on)
    rows = select(*[table.c[name] for name in _COLUMNS[:-1]], day.label("due_on"), table.c.open)
    source = rows.subquery()
    keys = [source.c[name] for name in _COLUMNS]
    folded = session.execute(
        select(*keys, func.sum(source.c.open).label("open"))
        .group_by(*keys)
        .having(func.sum(source.c.open) != 0)
    ).all()
    session.execute(delete(table))
    if folded:
        session.execute(insert(table), [row._asdict() for row in folded])


def rebuild(session: Session) -> None:
    """Recount every open task from the task rows (what the migration also does)."""
    session.execute(delete(table_of(TaskCount)))
    session.execute(text(backfill_sql(session.get_bind().dialect.name)))


def backfill_sql(dialect: str) -> str:
    """INSERT … SELECT of the counts of open tasks, as the migration runs it too."""
    day = (
        "CAST((t.due_at AT TIME ZONE 'UTC') AS DATE)"
        if dialect == "postgresql"
        else "date(t.due_at)"  # SQLite keeps UTC text
    )
    return (
        "INSERT INTO task_count (organisation_id, model_id, step, step_name, due_on, open)"  # noqa: S608
        f" SELECT t.organisation_id, v.model_id, t.bpmn_id, t.name, {day}, count(*)"
        " FROM task t JOIN process_instance i ON i.id = t.instance_id"
        " JOIN process_version v ON v.id = i.version_id"
        " WHERE t.state = 'open' AND t.organisation_id IS NOT NULL"
        f" GROUP BY t.organisation_id, v.model_id, t.bpmn_id, t.name, {day}"
    )
