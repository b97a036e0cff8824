"""How fast the manager's dashboard answers at a large case load.

Loads 100,000 cases with 500,000 task rows (bulk inserts, no engine) spread over
organisations, pathways, steps, states and due dates, then times, over many runs:
- the overview (open / at-risk / overdue by organisation, pathway and step), for an
  administrator (everything) and for one organisation's manager;
- the first page (100 rows) of the overdue list, for both.
Prints p50 and p95 in milliseconds per query. Goal: p95 under 100 ms on PostgreSQL.

PostgreSQL runs when PATHWAYS_BENCH_DATABASE_URL is set. THE BENCHMARK EMPTIES EVERY
PATHWAYS TABLE IN THAT DATABASE before loading: point it at a database of its own.
SQLite runs on a temporary file.

Loading a million cases takes a long while: `--keep` leaves the PostgreSQL data in place
and `--sqlite-file PATH` keeps the SQLite database in that file; `--reuse` then measures
the data such a run left (the same seed, so the same rows) without emptying or loading.

Usage: python bench/dashboard.py [--cases N] [--runs N] [--skip-sqlite] [--keep]
       [--sqlite-file PATH] [--reuse] [--goal-only] [--json]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, text
from sqlalchemy.orm import Session

from figures import add_json_flag, emit, name
from pathways import clock
from pathways.dashboards import durations, service, snapshots
from pathways.dashboards.filters import DashboardFilter
from pathways.db import migrate
from pathways.db.models import Base
from pathways.db.session import make_engine, session_factory
from pathways.people.actors import Actor
from pathways.people.models import User
from pathways.settings import Settings
from pathways.tasks import counts

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
MUNICIPALITIES = 18
REGIONS = 6  # one wellbeing county and one employment area each
MODELS = ["jobseeker", "outside-labour-force", "youth", "vulnerable", "refugee", "older"]
STEPS = 7
ALLOWED_DAYS = [5, 10, 14, 30, 60, 14, 90]
KINDS = ["municipality", "employment_area", "wellbeing_county"]
CHUNK = 20_000


def tables() -> dict[str, Table]:
    return {t.name: t for t in Base.metadata.sorted_tables}


def organisations() -> list[dict[str, Any]]:
    rows = [
        {"id": n + 1, "code": f"m{n}", "name": f"Municipality {n}", "kind": "municipality"}
        for n in range(MUNICIPALITIES)
    ]
    for r in range(REGIONS):
        for kind in ("employment_area", "wellbeing_county"):
            rows.append(
                {"id": len(rows) + 1, "code": f"{kind[:2]}{r}", "name": f"{kind} {r}", "kind": kind}
            )
    return [{**row, "created_at": NOW} for row in rows]


def team_of(municipality: int) -> dict[str, int]:
    region = municipality % REGIONS
    return {
        "municipality": municipality + 1,
        "employment_area": MUNICIPALITIES + 2 * region + 1,
        "wellbeing_county": MUNICIPALITIES + 2 * region + 2,
    }


def people(orgs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for org in orgs:
        for n in range(8):
            role = "manager" if n == 0 else "caseworker"
            rows.append(
                {
                    "id": len(rows) + 1,
                    "login": f"{org['code']}-{n}",
                    "name": f"{org['code']} {n}",
                    "organisation_id": org["id"],
                    "roles": [role],
                    "active": True,
                    "created_at": NOW,
                }
            )
    return rows


def versions() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    models = [
        {"id": n + 1, "key": key, "name": key, "created_at": NOW} for n, key in enumerate(MODELS)
    ]
    found = []
    for model in models:
        for number in (1, 2):
            found.append(
                {
                    "id": len(found) + 1,
                    "model_id": model["id"],
                    "number": number,
                    "bpmn_xml": "<definitions/>",
                    "spec": "{}",
                    "forms": {},
                    "kinds": KINDS,
                    "sha256": f"{model['id']:064d}",
                    "state": "deployed",
                    "created_at": NOW,
                }
            )
    return models, found


def cases(
    n: int, rng: random.Random
) -> Iterator[tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]]:
    """(client, case, its task rows) for n cases."""
    task_id = 0
    for case_id in range(1, n + 1):
        municipality = rng.randrange(MUNICIPALITIES)
        team = team_of(municipality)
        version = rng.randrange(len(MODELS) * 2) + 1
        roll = rng.random()
        state = "running" if roll < 0.55 else ("completed" if roll < 0.95 else "cancelled")
        started = NOW - timedelta(days=rng.uniform(20, 400))
        client = {
            "id": case_id,
            "reference": f"C-{case_id}",
            "municipality": f"m{municipality}",
            "created_at": started,
        }
        case = {
            "id": case_id,
            "version_id": version,
            "client_id": case_id,
            "team": {k: f"org{v}" for k, v in team.items()},
            "state": state,
            "started_at": started,
            "workflow_state": "{}",
            "serializer_version": "1.5",
            "revision": 1,
        }
        steps = STEPS if state == "completed" else rng.randrange(STEPS) + 1
        rows = []
        moment = started
        for step in range(steps):
            task_id += 1
            rows.append(task_row(task_id, case_id, step, moment, team, rng))
            if step == steps - 1 and state != "completed":
                finish_last(rows[-1], state, rng)
            else:
                allowed = timedelta(days=ALLOWED_DAYS[step])
                moment = min(
                    moment + allowed * rng.lognormvariate(-0.3, 0.6), NOW - timedelta(hours=1)
                )
                rows[-1]["completed_at"] = moment
        yield client, case, rows


def task_row(
    task_id: int,
    case_id: int,
    step: int,
    moment: datetime,
    team: dict[str, int],
    rng: random.Random,
) -> dict[str, Any]:
    kind = KINDS[step % len(KINDS)]
    has_due = step != 2 or rng.random() < 0.8  # some steps carry no deadline
    return {
        "id": task_id,
        "spiff_task_id": f"{case_id:08d}-{step}",
        "instance_id": case_id,
        "bpmn_id": f"step_{step + 1}",
        "name": f"Step {step + 1}",
        "lane": kind,
        "organisation_id": team[kind],
        "state": "completed",
        "assignee_id": None,
        "created_at": moment,
        "due_at": moment + timedelta(days=ALLOWED_DAYS[step]) if has_due else None,
        "completed_at": None,
    }


def finish_last(row: dict[str, Any], state: str, rng: random.Random) -> None:
    """The last step of a running case is open (claimed by someone half the time)."""
    row["state"] = "open" if state == "running" else "cancelled"
    row["created_at"] = NOW - timedelta(days=rng.uniform(0, 60))
    if row["due_at"] is not None:
        row["due_at"] = row["created_at"] + timedelta(
            days=ALLOWED_DAYS[int(row["bpmn_id"][5:]) - 1]
        )
    if state == "running" and rng.random() < 0.5:
        row["assignee_id"] = (row["organisation_id"] - 1) * 8 + rng.randint(2, 8)
    if state == "cancelled":
        row["completed_at"] = NOW - timedelta(days=rng.uniform(0, 10))


def load(engine: Engine, n_cases: int) -> None:
    named = tables()
    rng = random.Random(2026)
    orgs = organisations()
    models, vers = versions()
    with engine.begin() as conn:
        bulk(conn, named["organisation"], orgs)
        bulk(conn, named["user"], people(orgs))
        bulk(conn, named["process_model"], models)
        bulk(conn, named["process_version"], vers)
    clients: list[dict[str, Any]] = []
    instances: list[dict[str, Any]] = []
    task_rows: list[dict[str, Any]] = []
    for client, case, rows in cases(n_cases, rng):
        clients.append(client)
        instances.append(case)
        task_rows.extend(rows)
        if len(instances) >= CHUNK:
            flush(engine, named, clients, instances, task_rows)
    flush(engine, named, clients, instances, task_rows)
    count_kept(engine, vacuum="")
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            for name in (
                "organisation",
                "user",
                "process_model",
                "process_version",
                "client",
                "process_instance",
                "task",
            ):
                sequence = f"pg_get_serial_sequence('\"{name}\"', 'id')"
                conn.execute(text(f'SELECT setval({sequence}, (SELECT max(id) FROM "{name}"))'))


def count_kept(engine: Engine, *, vacuum: str) -> None:
    """Recount the kept counts from the task rows (which were written past the
    projection) and fold them as the scheduler does every minute; then what autovacuum
    would have done by morning to `vacuum` (every table if empty): statistics and the
    visibility map (which lets the covering indexes answer without touching the table)."""
    with session_factory(engine)() as session, session.begin():
        counts.rebuild(session)
    with clock.frozen(NOW), session_factory(engine)() as session, session.begin():
        counts.compact(session)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {vacuum}"))
    else:
        with engine.begin() as conn:  # what `pathways dashboard daily` keeps fresh
            conn.execute(text(f"ANALYZE {vacuum}"))


def flush(engine: Engine, named: dict[str, Table], *batches: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for name, rows in zip(("client", "process_instance", "task"), batches, strict=True):
            bulk(conn, named[name], rows)
    for rows in batches:
        rows.clear()


def bulk(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(table), rows)


def empty(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def timed(engine: Engine, runs: int, query: Callable[..., list[Any]]) -> tuple[int, float, float]:
    """Rows returned, p50 and p95 in ms; each run in its own transaction, rolled back."""
    factory = session_factory(engine)
    samples = []
    size = 0
    for _ in range(runs + 3):
        with factory() as session, session.begin():
            started = time.perf_counter()
            size = len(query(session))
            samples.append((time.perf_counter() - started) * 1000)
            session.rollback()
    samples = samples[3:]  # the first runs warm caches and the statement cache
    cut = statistics.quantiles(samples, n=20)
    return size, statistics.median(samples), cut[18]


def measure(
    engine: Engine, runs: int, *, goal_only: bool = False
) -> list[tuple[str, int, float, float]]:
    settings = Settings()
    everyone = DashboardFilter()
    with session_factory(engine)() as session:
        manager = session.get(User, 1)  # m0's manager
        assert manager is not None
        actors = {"admin": Actor.operator(), "manager": Actor.of(manager)}
    queries: list[tuple[str, int, Callable[[Session], list[Any]]]] = []
    for who, actor in actors.items():
        queries += [
            (
                f"overview ({who})",
                runs,
                lambda s, a=actor: service.overview(
                    s, actor=a, filters=everyone, settings=settings
                ),
            ),
            (
                f"overdue list, 100 rows ({who})",
                runs,
                lambda s, a=actor: service.overdue_tasks(s, actor=a, filters=everyone, limit=100),
            ),
        ]
    # Not part of the goal: heavier views read once a day or on demand.
    few = 0 if goal_only else max(runs // 10, 3)
    operator = Actor.operator()
    queries += [
        (
            "heatmap, one version (admin)",
            few,
            lambda s: service.heatmap(s, actor=operator, model=MODELS[0], version=1),
        ),
        (
            "step durations (admin)",
            few,
            lambda s: durations.step_durations(s, actor=operator, filters=everyone),
        ),
        (
            "take_snapshot (writes, rolled back)",
            few,
            lambda s: [snapshots.take_snapshot(s, settings=settings)],
        ),
    ]
    with clock.frozen(NOW):
        return [(label, *timed(engine, n, query)) for label, n, query in queries if n]


def run(
    label: str, engine: Engine, n_cases: int, runs: int, *, reuse: bool, goal_only: bool
) -> list[tuple[str, str, int, float, float]]:
    migrate.upgrade(engine.url.render_as_string(hide_password=False))
    started = time.perf_counter()
    if reuse:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM process_instance")).scalar_one()
        if found != n_cases:
            raise SystemExit(f"{label}: --reuse found {found} cases, not {n_cases}")
        count_kept(engine, vacuum="task_count")  # as this version of the code keeps them
    else:
        if engine.dialect.name == "postgresql":
            empty(engine)
        load(engine, n_cases)
    with engine.connect() as conn:
        n_tasks = conn.execute(text("SELECT count(*) FROM task")).scalar_one()
        n_open = conn.execute(text("SELECT count(*) FROM task WHERE state = 'open'")).scalar_one()
    print(
        f"{label}: {'found' if reuse else 'loaded'} {n_cases} cases, {n_tasks} tasks"
        f" ({n_open} open) in {time.perf_counter() - started:.0f} s"
    )
    return [(label, *row) for row in measure(engine, runs, goal_only=goal_only)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--keep", action="store_true", help="leave the PostgreSQL data in place")
    parser.add_argument("--sqlite-file", type=Path, help="keep the SQLite database in this file")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data a --keep/--sqlite-file run left"
    )
    parser.add_argument(
        "--goal-only", action="store_true", help="only the queries the goal is about"
    )
    add_json_flag(parser)
    args = parser.parse_args()
    rows = []
    pg_url = os.environ.get("PATHWAYS_BENCH_DATABASE_URL")
    if pg_url:
        engine = make_engine(pg_url)
        rows += run(
            "PostgreSQL", engine, args.cases, args.runs, reuse=args.reuse, goal_only=args.goal_only
        )
        if not (args.keep or args.reuse):
            empty(engine)
        engine.dispose()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            path = args.sqlite_file or Path(folder) / "bench.db"
            if not args.reuse:
                path.unlink(missing_ok=True)
            engine = make_engine(f"sqlite:///{path}")
            rows += run(
                "SQLite", engine, args.cases, args.runs, reuse=args.reuse, goal_only=args.goal_only
            )
            engine.dispose()
    print(f"\n{'database':<12} {'query':<38} {'rows':>6} {'p50 ms':>8} {'p95 ms':>8}")
    figures: dict[str, float] = {}
    for label, query, size, p50, p95 in rows:
        print(f"{label:<12} {query:<38} {size:>6} {p50:>8.1f} {p95:>8.1f}")
        figures[name(label, query, "p50_ms")] = p50
        figures[name(label, query, "p95_ms")] = p95
    if args.json:
        emit(figures)


if __name__ == "__main__":
    main()
