"""Queries at scale and mixed load against the cluster.

1. Generates N realistic cases (default 100,000; `--sizes 100000 1000000` for more): a few
   real cases at every stage (first step open, handed on to the employment area, deadline
   fired and escalated, waiting for a message, finished, cancelled) in two regions, copied
   in bulk with their times spread over ±60 days, so queues hold open, at-risk and overdue
   work. Then times, on SQLite and PostgreSQL (PATHWAYS_TEST_DATABASE_URL, emptied first):
   a caseworker's task list (`tasks.service.list_visible`), their overdue list, an
   administrator's list of one organisation, and the dashboard's overdue counts by
   organisation and step: p50, p95, p99 in ms. Goal: task list p95 < 100 ms at 1,000,000.
2. Mixed load on PostgreSQL against replicas started here (`pathways serve`, as
   `make cluster`), with one replica and with two: caseworkers reading their inbox and
   completing tasks (and the worker firing timers, when there is one). Prints requests/s,
   completions/s, p95 per kind, each replica's resident memory (goal < 300 MB), and the
   ratio of completions/s to the raw SpiffWorkflow cycle measured in this run.

Usage: python bench/load.py [--sizes N …] [--seconds S] [--clients C] [--skip-mixed] [--json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1]))  # the test factories build the data

from tests import bulk, factories  # noqa: E402
from tests.conftest import TESTS  # noqa: E402
from tests.faults.conftest import settings_for  # noqa: E402

from engine_overhead import fresh_postgres, raw_rate  # noqa: E402
from figures import add_json_flag, emit, name  # noqa: E402
from pathways import clock  # noqa: E402
from pathways.cases import service as cases  # noqa: E402
from pathways.db import migrate  # noqa: E402
from pathways.db.session import make_engine, transaction  # noqa: E402
from pathways.deadlines.firing import fire_due  # noqa: E402
from pathways.local_cluster import LocalCluster, worker_available  # noqa: E402
from pathways.people import tokens  # noqa: E402
from pathways.people.actors import Actor  # noqa: E402
from pathways.people.models import Organisation  # noqa: E402
from pathways.tasks import service as tasks  # noqa: E402
from pathways.tasks.models import Task, TaskState  # noqa: E402

FORM = {"summary": "Explained the services", "jobseeker": True}
SPREAD = timedelta(days=60)
ROUNDS = 200  # runs of each query; --rounds changes it
Row = tuple[str, ...]


def templates(engine: Engine, url: str) -> list[int]:
    """Real cases at every stage, in two regions, started through the services."""
    settings = settings_for(url)
    made: list[int] = []
    with transaction(engine) as s:
        factories.team(s)
        factories.deploy(s, settings, "handoff")
        factories.deploy(s, settings, "moved")
    for region, (first, second) in {"barsby": ("anna", "ville"), "ostby": ("olli", "eero")}.items():
        made += _stages(engine, settings, region, first, second)
    return made


def _stages(engine: Engine, settings: object, region: str, first: str, second: str) -> list[int]:
    def start(s: Session, model: str, tag: str) -> int:
        return factories.start(
            s, settings, model, reference=f"T-{region}-{tag}", municipality=region
        ).id

    def complete(s: Session, case_id: int, step: str, login: str, data: dict[str, object]) -> None:
        task = factories.open_task(s, case_id, step)
        actor = factories.actor(s, login)
        tasks.complete(s, task_id=task.id, data=data, actor=actor, settings=settings)

    with transaction(engine) as s:
        waiting = [start(s, "handoff", f"open-{n}") for n in range(4)]
        handed_on = start(s, "handoff", "handed-on")
        complete(s, handed_on, "guidance", first, FORM)
        finished = start(s, "handoff", "finished")
        complete(s, finished, "guidance", first, FORM)
        complete(s, finished, "interview", second, {})
        message = start(s, "moved", "message")
        cancelled = start(s, "moved", "cancelled")
    with transaction(engine) as s:
        cases.cancel(s, instance_id=cancelled, actor=Actor.operator(), settings=settings)
    with clock.frozen(clock.now() - timedelta(days=4)), transaction(engine) as s:
        late = start(s, "handoff", "late")
    with transaction(engine) as s:
        fire_due(s, instance_id=late, settings=settings)
    return [*waiting, handed_on, finished, message, cancelled, late]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return at(0.5), at(0.95), at(0.99)


def timed(engine: Engine, work: Callable[[Session], object], rounds: int) -> list[float]:
    for _ in range(5):
        with transaction(engine) as s:
            work(s)
    took = []
    for _ in range(rounds):
        started = time.perf_counter()
        with transaction(engine) as s:
            work(s)
        took.append((time.perf_counter() - started) * 1000)
    return took


def dashboard(s: Session) -> object:
    """Overdue open tasks by organisation and step: what the manager's dashboard counts."""
    return s.execute(
        select(Organisation.code, Task.bpmn_id, func.count())
        .join(Organisation, Task.organisation_id == Organisation.id)
        .where(Task.state == TaskState.OPEN, Task.due_at < clock.now())
        .group_by(Organisation.code, Task.bpmn_id)
    ).all()


def queries(engine: Engine) -> dict[str, Callable[[Session], object]]:
    with transaction(engine) as s:
        anna, admin = factories.actor(s, "anna"), factories.actor(s, "admin")
    inbox = tasks.TaskFilter(limit=100)
    overdue = tasks.TaskFilter(overdue=True, limit=100)
    one_org = tasks.TaskFilter(organisation="westland-ea", limit=100)
    return {
        "task list (caseworker inbox)": lambda s: tasks.list_visible(s, where=inbox, actor=anna),
        "task list, overdue only": lambda s: tasks.list_visible(s, where=overdue, actor=anna),
        "task list, admin by organisation": lambda s: tasks.list_visible(
            s, where=one_org, actor=admin
        ),
        "dashboard: overdue by org and step": dashboard,
    }


def grow(engine: Engine, shapes: list[int], have: int, size: int) -> None:
    started = time.perf_counter()
    bulk.clone(
        engine, templates=shapes, count=size - have, prefix=f"L{size}", spread=SPREAD, seed=size
    )
    with engine.begin() as connection:  # fresh statistics, as autovacuum keeps them in service
        connection.exec_driver_sql("ANALYZE")
    print(f"  generated {size - have:,} cases in {time.perf_counter() - started:.0f} s", flush=True)


def query_rows(name: str, url: str, sizes: list[int], rounds: int) -> list[Row]:
    engine = make_engine(url)
    shapes = templates(engine, url)
    rows, have = [], len(shapes)
    for size in sizes:
        grow(engine, shapes, have, size)
        have = size
        for label, work in queries(engine).items():
            p50, p95, p99 = percentiles(timed(engine, work, rounds))
            rows.append((name, f"{size:,}", label, f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}"))
            print("  " + "  ".join(rows[-1]), flush=True)
    engine.dispose()
    return rows


class Mixed:
    """Caseworkers on several replicas: 3 inbox reads to 1 completion, for `seconds`."""

    def __init__(self, token: str, urls: list[str], pool: list[int], seconds: float) -> None:
        self.token, self.urls, self.pool, self.seconds = token, urls, pool, seconds
        self.latency: dict[str, list[float]] = {"inbox": [], "complete": []}
        self.errors: list[int] = []
        self.lock = threading.Lock()

    def run(self, clients: int) -> float:
        shares = [self.pool[n::clients] for n in range(clients)]
        threads = [
            threading.Thread(target=self._client, args=(self.urls[n % len(self.urls)], shares[n]))
            for n in range(clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    def _client(self, url: str, share: list[int]) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        deadline = time.monotonic() + self.seconds
        with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
            for n in range(10**9):
                if time.monotonic() > deadline:
                    return
                completing = n % 4 == 3 and bool(share)
                started = time.perf_counter()
                if completing:
                    answer = http.post(f"/api/tasks/{share.pop()}/complete", json={"data": FORM})
                else:
                    answer = http.get("/api/tasks", params={"limit": 50})
                kind = "complete" if completing else "inbox"
                with self.lock:
                    self.latency[kind].append((time.perf_counter() - started) * 1000)
                    if answer.status_code != 200:
                        self.errors.append(answer.status_code)


def mixed_rows(url: str, seconds: float, clients: int, raw: float) -> list[Row]:
    engine = make_engine(url)
    with transaction(engine) as s:
        token = tokens.issue(s, login="anna")
        anna = s.scalar(select(Organisation.id).where(Organisation.code == "barsby"))
        pool = list(
            s.scalars(
                select(Task.id).where(
                    Task.organisation_id == anna,
                    Task.bpmn_id == "guidance",
                    Task.state == TaskState.OPEN,
                )
            )
        )
    engine.dispose()
    rows = []
    for replicas in (1, 2):
        share, pool = pool[: len(pool) // 2], pool[len(pool) // 2 :]
        with (
            tempfile.TemporaryDirectory() as folder,
            LocalCluster(
                url, Path(folder), environment={"PATHWAYS_FORMS_DIR": str(TESTS / "forms")}
            ) as cluster,
        ):
            members = [cluster.replica(f"replica-{n + 1}") for n in range(replicas)]
            if worker_available():
                cluster.worker()
            mixed = Mixed(token, [m.url for m in members], share, seconds)
            elapsed = mixed.run(clients)
            memory = " / ".join(f"{m.resident_mib():.0f}" for m in members)
        done = len(mixed.latency["complete"])
        total = done + len(mixed.latency["inbox"])
        rows.append(
            (
                str(replicas),
                f"{total / elapsed:.0f}",
                f"{done / elapsed:.0f}",
                f"{percentiles(mixed.latency['inbox'])[1]:.1f}",
                f"{percentiles(mixed.latency['complete'])[1]:.1f}",
                memory,
                f"{done / elapsed / raw:.2f}",
                str(len(mixed.errors)),
            )
        )
        print("  " + "  ".join(rows[-1]), flush=True)
    return rows


def table(headers: Row, rows: list[Row]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    for line in [headers, *rows]:
        print("  ".join(str(c).rjust(w) for c, w in zip(line, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=float, default=20, help="length of each mixed run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--skip-mixed", action="store_true")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="runs of each query")
    add_json_flag(parser)
    args = parser.parse_args()
    pg_url = os.environ.get("PATHWAYS_TEST_DATABASE_URL")

    rows: list[Row] = []
    mixed: list[Row] = []
    raw = statistics.median(raw_rate(400) for _ in range(3))
    with tempfile.TemporaryDirectory() as folder:
        if "sqlite" in args.backends:
            url = f"sqlite:///{folder}/load.db"
            migrate.upgrade(url)
            rows += query_rows("SQLite", url, sorted(args.sizes), args.rounds)
    if "postgresql" in args.backends and pg_url:
        rows += query_rows("PostgreSQL", fresh_postgres(pg_url), sorted(args.sizes), args.rounds)
        if not args.skip_mixed:
            mixed = mixed_rows(pg_url, args.seconds, args.clients, raw)
        fresh_postgres(pg_url)  # leave the database empty for the tests that share it
    elif "postgresql" in args.backends:
        print("(PostgreSQL skipped: set PATHWAYS_TEST_DATABASE_URL to an empty database)")

    print(f"\nQueries (ms; {args.rounds} runs each, one transaction per run)")
    table(("database", "cases", "query", "p50", "p95", "p99"), rows)
    if mixed:
        print(f"\nMixed load on PostgreSQL, {args.clients} clients, {args.seconds:.0f} s each")
        print(f"raw SpiffWorkflow cycle: {raw:.0f} tasks/s")
        table(
            ("replicas", "req/s", "done/s", "p95 inbox ms", "p95 complete ms", "RSS MiB",
             "done/raw", "errors"),
            mixed,
        )  # fmt: skip
    if args.json:
        emit(_figures(raw, rows, mixed))


def _figures(raw: float, rows: list[Row], mixed: list[Row]) -> dict[str, float]:
    figures = {"raw_tasks_per_s": raw}
    for database, cases_count, label, p50, p95, p99 in rows:
        prefix = name(database, cases_count.replace(",", ""), label)
        figures |= {f"{prefix}_p50_ms": float(p50), f"{prefix}_p95_ms": float(p95)}
        figures[f"{prefix}_p99_ms"] = float(p99)
    for replicas, requests, done, inbox, complete, memory, ratio, errors in mixed:
        prefix = name("mixed", replicas, "replicas")
        figures |= {
            f"{prefix}_requests_per_s": float(requests),
            f"{prefix}_completions_per_s": float(done),
            f"{prefix}_inbox_p95_ms": float(inbox),
            f"{prefix}_complete_p95_ms": float(complete),
            f"{prefix}_rss_max_mib": max(float(m) for m in memory.split(" / ")),
            f"{prefix}_ratio": float(ratio),
            f"{prefix}_errors": float(errors),
        }
    return figures


if __name__ == "__main__":
    main()
