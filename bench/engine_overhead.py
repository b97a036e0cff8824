"""What Pathways costs over the raw engine when a caseworker completes a task.

Prints, in one run:
- raw: SpiffWorkflow alone — deserialize a mid-flight case, complete its user task,
  advance, serialize (the floor any request pays);
- ours: `tasks.service.complete` end to end — one transaction that locks the case,
  checks permission, validates the form, advances, rewrites task and timer rows,
  audits and commits — on SQLite and, if PATHWAYS_TEST_DATABASE_URL is set, PostgreSQL;
- each figure in tasks/s and as a ratio to raw (goal: at least 0.5 on SQLite).

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

    return _rate(cycle, rounds)


def _rate(work: Callable[[], None], rounds: int) -> float:
    for _ in range(min(20, rounds)):
        work()  # warm caches and the JIT-less interpreter's code paths alike
    started = time.perf_counter()
    for _ in range(rounds):
        work()
    return rounds / (time.perf_counter() - started)


def service_rate(url: str, cases_count: int) -> float:
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

    rate = _rate(one, cases_count)
    engine.dispose()
    return rate


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
    rows = [("raw SpiffWorkflow cycle", raw)]
    figures = {"raw_tasks_per_s": raw}
    sqlite_rates = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            migrate.upgrade(url)
            sqlite_rates.append(service_rate(url, args.cases))
    rows.append(("complete-task service, SQLite", statistics.median(sqlite_rates)))
    figures |= _figures("sqlite", sqlite_rates, raw)
    pg_url = os.environ.get("PATHWAYS_TEST_DATABASE_URL")
    if pg_url:
        rates = [service_rate(fresh_postgres(pg_url), args.cases) for _ in range(args.repeat)]
        rows.append(("complete-task service, PostgreSQL", statistics.median(rates)))
        figures |= _figures("postgresql", rates, raw)
    else:
        print("(PostgreSQL skipped: set PATHWAYS_TEST_DATABASE_URL to an empty database)")

    print(f"{'what':40} {'tasks/s':>9} {'ms/task':>8} {'ratio to raw':>13}")
    for what, rate in rows:
        print(f"{what:40} {rate:9.0f} {1000 / rate:8.2f} {rate / raw:13.2f}")
    if args.json:
        emit(figures)


def _figures(database: str, rates: list[float], raw: float) -> dict[str, float]:
    rate = statistics.median(rates)
    return {
        name(database, "service_tasks_per_s"): rate,
        name(database, "service_ms_per_task"): 1000 / rate,
        name(database, "service_ratio"): rate / raw,
    }


if __name__ == "__main__":
    main()
