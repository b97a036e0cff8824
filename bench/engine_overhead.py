"""What Pathways costs over the raw engine when a caseworker completes a task.

Prints, in one run:
- raw: SpiffWorkflow alone — deserialize a mid-flight case, complete its user task,
  advance, serialize (the floor any request pays);
- ours: `tasks.service.complete` end to end — one transaction that locks the case,
  checks permission, validates the form, advances, rewrites task and timer rows,
  audits and commits — on SQLite and, if PATHWAYS_TEST_DATABASE_URL is set, PostgreSQL;
- each figure in tasks/s and as a ratio to raw (goal: at least 0.5 on SQLite), where
  the service's raw figure is taken in the same loop, one raw cycle after each
  completion, so that a shared machine's changing load weighs on both alike.

Usage: python bench/engine_overhead.py [--cases N] [--repeat N] [--json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, text

from figures import add_json_flag, emit, name
from pathways import demo
from pathways.cases import service as cases
from pathways.db import migrate
from pathways.db.models import Base
from pathways.db.session import make_engine, transaction
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.settings import Settings
from pathways.tasks import service as tasks
from pathways.tasks.models import Task

ROOT = Path(__file__).parents[1]
MODEL = ROOT / "tests" / "bpmn" / "handoff.bpmn"
FORMS = ROOT / "tests" / "forms"
DATA = {"summary": "Explained the services", "jobseeker": True}


def raw_rate(rounds: int) -> float:
    return _rate(raw_cycle(), rounds)


def raw_cycle() -> Callable[[], None]:
    """One raw engine cycle on a fresh copy of the same mid-flight case, each call."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(MODEL))
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    workflow = BpmnWorkflow(parser.get_spec("handoff"), parser.get_subprocess_specs("handoff"))
    workflow.do_engine_steps()
    state = serializer.serialize_json(workflow)

    def cycle() -> None:
        loaded = serializer.deserialize_json(state)
        (task,) = loaded.get_tasks(state=TaskState.READY, manual=True)
        task.data.update(DATA)
        task.run()
        loaded.do_engine_steps()
        serializer.serialize_json(loaded)

    return cycle


def _rate(work: Callable[[], None], rounds: int) -> float:
    for _ in range(min(20, rounds)):
        work()  # warm caches and the JIT-less interpreter's code paths alike
    started = time.perf_counter()
    for _ in range(rounds):
        work()
    return rounds / (time.perf_counter() - started)


def _paired(ours: Callable[[], None], raw: Callable[[], None], rounds: int) -> tuple[float, float]:
    """Rates of both, each completion followed by one raw cycle: the machine's load, which
    changes by the second on a shared machine, weighs on both figures alike."""
    for _ in range(min(20, rounds)):
        ours()
        raw()
    spent_ours = spent_raw = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        ours()
        middle = time.perf_counter()
        raw()
        spent_ours += middle - started
        spent_raw += time.perf_counter() - middle
    return rounds / spent_ours, rounds / spent_raw


def service_rate(url: str, cases_count: int) -> tuple[float, float]:
    """Completions per second through the service, and raw cycles per second beside them."""
    engine = make_engine(url)
    settings = Settings(database_url=url, forms_dir=FORMS)
    with transaction(engine) as s:
        demo.load(s)
        processes.deploy(s, data=MODEL.read_bytes(), actor=Actor.operator(), settings=settings)
    for n in range(cases_count + 20):
        with transaction(engine) as s:
            cases.start(
                s,
                model="handoff",
                client=cases.NewClient(f"B-{n}", "barsby"),
                data={},
                actor=Actor.operator(),
                settings=settings,
            )
    with transaction(engine) as s:
        ids = list(s.scalars(select(Task.id).where(Task.bpmn_id == "guidance").order_by(Task.id)))
        anna = Actor.of(people.get_user(s, "anna"))
    pending = iter(ids)

    def one() -> None:
        with transaction(engine) as s:
            tasks.complete(s, task_id=next(pending), data=DATA, actor=anna, settings=settings)

    rates = _paired(one, raw_cycle(), cases_count)
    engine.dispose()
    return rates


def fresh_postgres(url: str) -> str:
    engine = make_engine(url)
    with engine.begin() as connection:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        connection.execute(text(f"DROP TABLE IF EXISTS {names}, alembic_version CASCADE"))
    engine.dispose()
    migrate.upgrade(url)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per figure; the median is shown"
    )
    add_json_flag(parser)
    args = parser.parse_args()

    raw = statistics.median(raw_rate(args.cases) for _ in range(args.repeat))
    rows = [("raw SpiffWorkflow cycle, alone", raw, raw)]
    figures = {"raw_tasks_per_s": raw}
    sqlite_runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            migrate.upgrade(url)
            sqlite_runs.append(service_rate(url, args.cases))
    rows.append(("complete-task service, SQLite", *_median_run(sqlite_runs)))
    figures |= _figures("sqlite", sqlite_runs)
    pg_url = os.environ.get("PATHWAYS_TEST_DATABASE_URL")
    if pg_url:
        runs = [service_rate(fresh_postgres(pg_url), args.cases) for _ in range(args.repeat)]
        rows.append(("complete-task service, PostgreSQL", *_median_run(runs)))
        figures |= _figures("postgresql", runs)
    else:
        print("(PostgreSQL skipped: set PATHWAYS_TEST_DATABASE_URL to an empty database)")

    print(f"{'what':34} {'tasks/s':>8} {'ms/task':>8} {'raw beside':>10} {'ratio to raw':>13}")
    for what, rate, beside in rows:
        print(f"{what:34} {rate:8.0f} {1000 / rate:8.2f} {beside:10.0f} {rate / beside:13.2f}")
    if args.json:
        emit(figures)


def _median_run(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The run with the median ratio: (service rate, raw rate beside it)."""
    ordered = sorted(runs, key=lambda run: run[0] / run[1])
    return ordered[len(ordered) // 2]


def _figures(database: str, runs: list[tuple[float, float]]) -> dict[str, float]:
    rate, beside = _median_run(runs)
    return {
        name(database, "service_tasks_per_s"): rate,
        name(database, "service_ms_per_task"): 1000 / rate,
        name(database, "raw_beside_tasks_per_s"): beside,
        name(database, "service_ratio"): rate / beside,
    }


if __name__ == "__main__":
    main()
