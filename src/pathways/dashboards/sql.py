"""SQL pieces that PostgreSQL and SQLite spell differently, spelled once here.

Percentiles use the nearest-rank definition (the value at rank ceil(p·n) in
ascending order). PostgreSQL computes it as an aggregate (`percentile_disc`, which
is exactly that definition); SQLite has no such aggregate, so there it is the row
whose `row_number()` is that rank. Both give the same figures.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, Select, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.sql.selectable import Subquery


class seconds_between(FunctionElement[float]):  # noqa: N801 (reads as the SQL function it is)
    """Seconds from the first timestamp to the second."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"((julianday({compiler.process(end, **kw)})"
        f" - julianday({compiler.process(start, **kw)})) * 86400.0)"
    )


def nearest_rank(rank: ColumnElement[int], count: ColumnElement[int], percent: int) -> Any:
    """True on the row holding the `percent`-th percentile: rank = ceil(percent·n / 100)."""
    return rank == (count * percent + 99) // 100


def percentile(value: ColumnElement[Any], percent: int) -> Any:
    """The nearest-rank percentile as an aggregate (PostgreSQL only)."""
    return func.percentile_disc(percent / 100).within_group(value)


def percentiles(
    source: Subquery, keys: list[str], value: str, wanted: dict[str, int], *, dialect: str
) -> Select[Any]:
    """Per group of `keys`: the count and each wanted percentile (label → percent) of `value`."""
    key_columns = [source.c[k] for k in keys]
    if dialect == "postgresql":
        return select(
            *key_columns,
            func.count().label("count"),
            *[percentile(source.c[value], p).label(label) for label, p in wanted.items()],
        ).group_by(*key_columns)
    ranked = select(
        *key_columns,
        source.c[value].label("value"),
        func.row_number().over(partition_by=key_columns, order_by=source.c[value]).label("rank"),
        func.count().over(partition_by=key_columns).label("n"),
    ).subquery("ranked")
    return select(
        *[ranked.c[k] for k in keys],
        func.max(ranked.c.n).label("count"),
        *[
            func.max(
                case((nearest_rank(ranked.c.rank, ranked.c.n, percent), ranked.c.value))
            ).label(label)
            for label, percent in wanted.items()
        ],
    ).group_by(*[ranked.c[k] for k in keys])
