"""Complete-task throughput over HTTP against one `pathways serve` process.

For SQLite and (when PATHWAYS_TEST_DATABASE_URL names an empty database) PostgreSQL,
with 1, 4 and 16 concurrent clients each completing their own tasks with a bearer
token, prints tasks/s, p50 and p95 latency, and the ratio to the raw SpiffWorkflow
cycle of `bench/engine_overhead.py` measured in the same run.
Goal: at least 0.35 of raw on SQLite with 4 clients, p95 under 50 ms.

Usage: python bench/api_throughput.py [--tasks N] [--json]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from engine_overhead import DATA, FORMS, MODEL, fresh_postgres, raw_rate
from figures import add_json_flag, emit, name
from pathways import demo
from pathways.cases import service as cases
from pathways.db import migrate
from pathways.db.session import make_engine, transaction
from pathways.people import tokens
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskState

ROOT = Path(__file__).parents[1]
CONCURRENCY = (1, 4, 16)


def seed(url: str, count: int) -> tuple[str, list[int]]:
    """Cases waiting for guidance in Barsby, and a token of Barsby's caseworker."""
    engine = make_engine(url)
    settings = Settings(database_url=url, forms_dir=FORMS)
    with transaction(engine) as s:
        demo.load(s)
        processes.deploy(s, data=MODEL.read_bytes(), actor=Actor.operator(), settings=settings)
        token = tokens.issue(s, login="anna")
    for n in range(count):
        with transaction(engine) as s:
            client = cases.NewClient(f"B-{n}", "barsby")
            cases.start(
                s,
                model="handoff",
                client=client,
                data={},
                actor=Actor.operator(),
                settings=settings,
            )
    with transaction(engine) as s:
        ids = list(
            s.scalars(
                select(Task.id).where(Task.bpmn_id == "guidance", Task.state == TaskState.OPEN)
            )
        )
    engine.dispose()
    return token, ids


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        PATHWAYS_DATABASE_URL=url,
        PATHWAYS_FORMS_DIR=str(FORMS),
        PATHWAYS_DEADLINES__POLLER_IN_SERVE="false",
    )
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "pathways"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("pathways serve did not start")


def drive(base: str, token: str, ids: list[int], clients: int) -> tuple[float, list[float]]:
    """Complete every task, `clients` at a time; return tasks/s and latencies in ms."""
    shares = [ids[i::clients] for i in range(clients)]
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def worker(share: list[int]) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            for task_id in share:
                started = time.perf_counter()
                answer = http.post(f"/api/tasks/{task_id}/complete", json={"data": DATA})
                took = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(took)
                    if answer.status_code != 200:
                        failures.append(answer.status_code)

    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} completions failed: {sorted(set(failures))}")
    return len(ids) / elapsed, latencies


def run_backend(name: str, url: str, per_level: int) -> list[tuple[str, int, float, list[float]]]:
    token, ids = seed(url, per_level * len(CONCURRENCY) + 20)
    port = free_port()
    process = serve(url, port)
    rows = []
    try:
        base = f"http://127.0.0.1:{port}"
        drive(base, token, ids[:20], 2)  # warm the server's caches
        rest = ids[20:]
        for n, clients in enumerate(CONCURRENCY):
            share = rest[n * per_level : (n + 1) * per_level]
            rate, latencies = drive(base, token, share, clients)
            rows.append((name, clients, rate, latencies))
    finally:
        process.terminate()
        process.wait(timeout=30)
    return rows


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=400, help="completions per concurrency level")
    add_json_flag(parser)
    args = parser.parse_args()

    raw = statistics.median(raw_rate(400) for _ in range(3))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        rows += run_backend("SQLite", url, args.tasks)
    pg_url = os.environ.get("PATHWAYS_TEST_DATABASE_URL")
    if pg_url:
        rows += run_backend("PostgreSQL", fresh_postgres(pg_url), args.tasks)
    else:
        print("(PostgreSQL skipped: set PATHWAYS_TEST_DATABASE_URL to an empty database)")

    print(f"raw SpiffWorkflow cycle: {raw:.0f} tasks/s ({1000 / raw:.2f} ms/task)")
    print(f"{'database':11} {'clients':>7} {'tasks/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6}")
    figures = {"raw_tasks_per_s": raw}
    for database, clients, rate, latencies in rows:
        p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
        print(f"{database:11} {clients:7} {rate:8.0f} {p50:7.1f} {p95:7.1f} {rate / raw:6.2f}")
        prefix = name(database, "http", clients, "clients")
        figures |= {
            f"{prefix}_tasks_per_s": rate,
            f"{prefix}_p50_ms": p50,
            f"{prefix}_p95_ms": p95,
            f"{prefix}_ratio": rate / raw,
        }
    if args.json:
        emit(figures)


if __name__ == "__main__":
    main()
