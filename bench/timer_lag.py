"""How fast the timer poller fires, and how late, on PostgreSQL.

Scenarios (each on an emptied database, pollers as real `pathways worker` processes):
- burst: N timers already due; fired per second with 1 and with 2 pollers;
- minute: N timers falling due evenly within one minute, with 1 and with 2 pollers;
- steady: 1,000 timers falling due within one minute (goal: p99 lateness under 1 s).
Lateness is `fired_at - due_at` as the poller records it (the database's clock when
the engine fired the timer; the batch commits within `batch_size` cases after that).

Goals: at least 500 timers/s with 2 pollers; p99 under 1 s at 1,000 timers a minute.

THE DATABASE IS EMPTIED (every Pathways table truncated) before each scenario.

Usage: python bench/timer_lag.py [--url URL] [--timers 10000] [--scale 1.0] [--json]
       (URL defaults to PATHWAYS_BENCH_DATABASE_URL, then PATHWAYS_TEST_DATABASE_URL)
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from figures import add_json_flag, emit, name
from pathways.db import migrate
from pathways.db.models import Base
from pathways.db.session import make_engine
from pathways.deadlines.models import Timer, TimerState
from pathways.settings import Settings

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))  # the test helpers that build cases fast

from tests.deadlines import timer_cases  # noqa: E402

BIN = Path(sys.executable).parent / "pathways"
LEAD = timedelta(seconds=8)  # time to start the pollers before the first timer is due


def empty(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def db_now(engine: Engine) -> datetime:
    with engine.connect() as connection:
        return connection.execute(text("SELECT clock_timestamp()")).scalar_one()


def start_pollers(url: str, count: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "PATHWAYS_DATABASE_URL": url, "PATHWAYS_DEADLINES__TICK_SECONDS": "1"}
    return [
        subprocess.Popen([str(BIN), "worker"], env=env, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]


def stop(pollers: list[subprocess.Popen[bytes]]) -> None:
    for process in pollers:
        process.send_signal(signal.SIGTERM)
    for process in pollers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def waiting(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(Timer).where(Timer.state == TimerState.WAITING)
        ).scalar_one()


def run(
    url: str, *, timers: int, window: float, pollers: int, already_due: bool
) -> tuple[str, dict[str, float]]:
    engine = make_engine(url)
    empty(engine)
    settings = Settings(database_url=url, forms_dir=ROOT / "tests" / "forms")
    template = timer_cases.seed_template(engine, settings)
    start = db_now(engine) + (-timedelta(seconds=1) if already_due else LEAD)
    step = timedelta(seconds=window / timers)
    due = [start - i * step if already_due else start + i * step for i in range(timers)]
    cases = timer_cases.clone_due(engine, template, due)
    cpu_before = _children_cpu()
    running = start_pollers(url, pollers)
    try:
        limit = time.monotonic() + LEAD.total_seconds() + window + 600
        while waiting(engine) > 1 and time.monotonic() < limit:  # the template waits till 2099
            time.sleep(0.2)
    finally:
        stop(running)
    cpu = _children_cpu() - cpu_before
    with engine.connect() as connection:
        rows = connection.execute(
            select(Timer.fired_at, Timer.lateness_seconds).where(
                Timer.instance_id.in_(cases), Timer.state == TimerState.FIRED
            )
        ).all()
    empty(engine)
    engine.dispose()
    fired_at = sorted(r.fired_at for r in rows)
    late = sorted(r.lateness_seconds for r in rows)
    span = (fired_at[-1] - fired_at[0]).total_seconds() if len(fired_at) > 1 else 0.0
    rate = len(rows) / span if span else float("nan")
    p = statistics.quantiles(late, n=100) if len(late) > 1 else [late[0]] * 99
    per_timer_ms = cpu / len(rows) * 1000 if rows else float("nan")
    figures = {
        "timers_per_s": rate,
        "fired": float(len(rows)),
        "lateness_p50_s": p[49],
        "lateness_p99_s": p[98],
        "lateness_max_s": late[-1],
        "poller_cpu_ms_per_timer": per_timer_ms,
    }
    return (
        f"{len(rows):>6}/{timers:<6} fired  {rate:5.0f}/s  lateness p50 {p[49]:7.3f} s"
        f"  p99 {p[98]:7.3f} s  max {late[-1]:7.3f} s  poller CPU {per_timer_ms:.1f} ms"
        "/timer (start-up included)"
    ), figures


def _children_cpu() -> float:
    """CPU seconds of the pollers that have exited (the machine is shared: wall figures vary)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("PATHWAYS_BENCH_DATABASE_URL")
        or os.environ.get("PATHWAYS_TEST_DATABASE_URL"),
    )
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=1.0, help="shrink every scenario")
    add_json_flag(parser)
    args = parser.parse_args()
    if not args.url or not args.url.startswith("postgresql"):
        parser.error("a PostgreSQL URL is needed (--url or PATHWAYS_BENCH_DATABASE_URL)")
    migrate.upgrade(args.url)
    n = max(int(args.timers * args.scale), 10)
    steady = max(int(1000 * args.scale), 10)
    window = 60 * args.scale
    scenarios = [
        (f"burst   {n // 2} due now, 1 poller ", n // 2, 0.0, 1, True),
        (f"burst   {n // 2} due now, 2 pollers", n // 2, 0.0, 2, True),
        (f"minute  {n} in {window:.0f} s, 1 poller ", n, window, 1, False),
        (f"minute  {n} in {window:.0f} s, 2 pollers", n, window, 2, False),
        (f"steady  {steady} in {window:.0f} s, 1 poller ", steady, window, 1, False),
    ]
    figures: dict[str, float] = {}
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    for label, timers, span, pollers, already_due in scenarios:
        result, found = run(
            args.url, timers=timers, window=span, pollers=pollers, already_due=already_due
        )
        print(f"{label}: {result}", flush=True)
        scenario = name(label.split()[0], pollers, "pollers" if pollers > 1 else "poller")
        figures |= {f"{scenario}_{key}": value for key, value in found.items()}
    if args.json:
        emit(figures)


if __name__ == "__main__":
    main()
