"""Many cases quickly: copies of real cases, written with bulk inserts.

Starting a case through the services costs a dozen round trips; fault tests and benchmarks
that need thousands start a few real ones (`templates`) and copy their rows (client, case
with its engine state, tasks, timers) under new clients. Each copy is a case the engine can
load and advance exactly like its template.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, select

from pathways.db.models import Base
from pathways.db.session import transaction
from pathways.tasks import counts

_BATCH = 2000
_TABLES = ("client", "process_instance", "task", "timer")


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _rows(connection: Connection, name: str, column: str, value: int) -> list[dict[str, Any]]:
    table = _table(name)
    found = connection.execute(select(table).where(table.c[column] == value)).mappings()
    return [{k: v for k, v in row.items() if k != "id"} for row in found]


def _template(connection: Connection, instance_id: int) -> dict[str, Any]:
    (instance,) = _rows(connection, "process_instance", "id", instance_id)
    (client,) = _rows(connection, "client", "id", instance["client_id"])
    return {
        "client": client,
        "instance": instance,
        "tasks": _rows(connection, "task", "instance_id", instance_id),
        "timers": _rows(connection, "timer", "instance_id", instance_id),
    }


def _shifted(row: dict[str, Any], by: timedelta) -> dict[str, Any]:
    """The row with every time in it moved by `by` (a case started earlier or later)."""
    return {k: v + by if isinstance(v, datetime) else v for k, v in row.items()}


def clone(
    engine: Engine,
    *,
    templates: Sequence[int],
    count: int,
    prefix: str,
    spread: timedelta | None = None,
    seed: int = 0,
) -> list[int]:
    """Write `count` copies of the template cases, round robin; return the new case ids.

    With `spread`, each copy's times (start, due dates, deadlines) move by a random amount
    within ±spread, so lists and dashboards see cases at every stage of lateness. Only the
    rows move: the engine state keeps its template's times, so spread copies are for
    read benchmarks, not for advancing.
    """
    with engine.connect() as connection:
        shapes = [_template(connection, instance_id) for instance_id in templates]
    rng = random.Random(seed)
    made: list[int] = []
    for first in range(0, count, _BATCH):
        numbers = range(first, min(count, first + _BATCH))
        shifts = [
            timedelta(seconds=rng.uniform(-1, 1) * spread.total_seconds()) if spread else None
            for _ in numbers
        ]
        picked = [shapes[n % len(shapes)] for n in numbers]
        with engine.begin() as connection:
            made += _write(connection, picked, shifts, [f"{prefix}-{n}" for n in numbers])
    with transaction(engine) as session:  # the copies' open tasks, counted as the projection would
        counts.rebuild(session)
    return made


def _write(
    connection: Connection,
    shapes: list[dict[str, Any]],
    shifts: list[timedelta | None],
    references: list[str],
) -> list[int]:
    def moved(row: dict[str, Any], by: timedelta | None) -> dict[str, Any]:
        return _shifted(row, by) if by else dict(row)

    clients = [
        moved(shape["client"], by) | {"reference": reference}
        for shape, by, reference in zip(shapes, shifts, references, strict=True)
    ]
    client_ids = _insert(connection, "client", clients)
    instances = [
        moved(shape["instance"], by) | {"client_id": client_id}
        for shape, by, client_id in zip(shapes, shifts, client_ids, strict=True)
    ]
    instance_ids = _insert(connection, "process_instance", instances)
    for name, key in (("task", "tasks"), ("timer", "timers")):
        rows = [
            moved(row, by) | {"instance_id": instance_id}
            for shape, by, instance_id in zip(shapes, shifts, instance_ids, strict=True)
            for row in shape[key]
        ]
        if rows:
            connection.execute(insert(_table(name)), rows)
    return instance_ids


def _insert(connection: Connection, name: str, rows: list[dict[str, Any]]) -> list[int]:
    table = _table(name)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(connection.execute(statement, rows).scalars())
