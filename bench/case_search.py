"""Finding cases at scale: the case search and the client's page on N generated cases.

Builds the same realistic cases as `bench/load.py` (every stage, two regions, times spread
over ±60 days, references `L<size>-<n>`), then times, on SQLite and PostgreSQL
(PATHWAYS_TEST_DATABASE_URL, emptied first and after): a caseworker's newest cases with
the total count, a reference prefix, running cases of one pathway, cases at one open
step, cases finished in a month, an admin's newest cases, and one client's page.
p50, p95, p99 in ms, one transaction per run.

Usage: python bench/case_search.py [--sizes N …] [--rounds R] [--backends sqlite postgresql]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1]))

from tests import factories  # noqa: E402

from engine_overhead import fresh_postgres  # noqa: E402
from load import grow, percentiles, table, templates, timed  # noqa: E402
from pathways import clock  # noqa: E402
from pathways.cases import search  # noqa: E402
from pathways.db import migrate  # noqa: E402
from pathways.db.session import make_engine, transaction  # noqa: E402

Row = tuple[str, ...]


def queries(engine: Engine, size: int) -> dict[str, Callable[[Session], object]]:
    with transaction(engine) as s:
        anna, admin = factories.actor(s, "anna"), factories.actor(s, "admin")
    now = clock.now()
    shapes: dict[str, tuple[object, search.CaseFilter]] = {
        "caseworker: newest 50 + total": (anna, search.CaseFilter()),
        "caseworker: reference prefix": (anna, search.CaseFilter(reference=f"l{size}-12")),
        "caseworker: running of a pathway": (
            anna,
            search.CaseFilter(model="handoff", state="running"),
        ),
        "caseworker: at one open step": (anna, search.CaseFilter(step="interview")),
        "caseworker: finished in 30 days": (
            anna,
            search.CaseFilter(state="finished", ended_from=now - timedelta(days=30), ended_to=now),
        ),
        "admin: newest 50 + total": (admin, search.CaseFilter()),
    }
    found: dict[str, Callable[[Session], object]] = {
        label: (lambda s, who=who, where=where: search.search(s, where=where, actor=who))
        for label, (who, where) in shapes.items()
    }
    found["caseworker: one client's page"] = lambda s: search.of_client(
        s, reference="T-barsby-open-0", actor=anna
    )
    return found


def query_rows(name: str, url: str, sizes: list[int], rounds: int) -> list[Row]:
    engine = make_engine(url)
    shapes = templates(engine, url)
    rows, have = [], len(shapes)
    for size in sizes:
        grow(engine, shapes, have, size)
        have = size
        for label, work in queries(engine, size).items():
            p50, p95, p99 = percentiles(timed(engine, work, rounds))
            rows.append((name, f"{size:,}", label, f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}"))
            print("  " + "  ".join(rows[-1]), flush=True)
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=50, help="runs of each query")
    args = parser.parse_args()
    pg_url = os.environ.get("PATHWAYS_TEST_DATABASE_URL")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        if "sqlite" in args.backends:
            url = f"sqlite:///{folder}/search.db"
            migrate.upgrade(url)
            rows += query_rows("SQLite", url, sorted(args.sizes), args.rounds)
    if "postgresql" in args.backends and pg_url:
        rows += query_rows("PostgreSQL", fresh_postgres(pg_url), sorted(args.sizes), args.rounds)
        fresh_postgres(pg_url)  # leave the database empty for the tests that share it
    print(f"\nCase search (ms; {args.rounds} runs each, one transaction per run)")
    table(("database", "cases", "query", "p50", "p95", "p99"), rows)


if __name__ == "__main__":
    main()
