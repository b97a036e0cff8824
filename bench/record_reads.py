"""What the record costs a request, in process on SQLite: completing a step (which now
writes its record entry), reading a step's record for its page (answers, shared with
you, recipients: `record.for_task`), and a case's readable record (`record.readable`).

Prints p50 and p95 in milliseconds per call (and --json). No goal is asserted: the
figures are for comparing before and after a change on the same machine.

Usage: python bench/record_reads.py [--cases N] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pathways import demo
from pathways.cases import service as cases
from pathways.db import migrate
from pathways.db.session import make_engine, transaction
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.record import service as record
from pathways.settings import Settings
from pathways.tasks import service as tasks
from pathways.tasks.models import Task, TaskState

ROOT = Path(__file__).parents[1]
ASSESSMENT = {"summary": "s", "county_request": "r", "goals": "g", "needs_county": True}


def timed(calls: list[Callable[[], object]]) -> dict[str, float]:
    spent = []
    for call in calls:
        began = time.perf_counter()
        call()
        spent.append((time.perf_counter() - began) * 1000)
    spent.sort()
    return {
        "p50_ms": round(statistics.median(spent), 2),
        "p95_ms": round(spent[int(len(spent) * 0.95) - 1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    settings = Settings(database_url=url, forms_dir=ROOT / "tests" / "forms")
    with transaction(engine) as s:
        demo.load(s)
        xml = (ROOT / "tests" / "bpmn" / "record.bpmn").read_bytes()
        processes.deploy(s, data=xml, actor=Actor.operator(), settings=settings)
        ids = [
            cases.start(
                s,
                model="record_case",
                client=cases.NewClient(f"B-{n}", "barsby"),
                data={},
                actor=Actor.operator(),
                settings=settings,
            ).id
            for n in range(args.cases)
        ]

    def open_task(case_id: int, step: str) -> int:
        with transaction(engine) as s:
            found = s.query(Task).filter_by(instance_id=case_id, bpmn_id=step)
            return found.filter_by(state=TaskState.OPEN).one().id

    def complete(case_id: int) -> Callable[[], object]:
        task_id = open_task(case_id, "assessment")

        def run() -> object:
            with transaction(engine) as s:
                actor = Actor.of(people.get_user(s, "ville"))
                return tasks.complete(
                    s, task_id=task_id, data=ASSESSMENT, actor=actor, settings=settings
                )

        return run

    def task_page(case_id: int) -> Callable[[], object]:
        task_id = open_task(case_id, "county")

        def run() -> object:
            with transaction(engine) as s:
                actor = Actor.of(people.get_user(s, "helmi"))
                task = tasks.read(s, task_id=task_id, actor=actor, purpose="bench")
                instance = cases.get(s, case_id)
                return record.for_task(
                    s, actor=actor, task=task, instance=instance, purpose="bench"
                )

        return run

    def case_record(case_id: int) -> Callable[[], object]:
        def run() -> object:
            with transaction(engine) as s:
                actor = Actor.of(people.get_user(s, "helmi"))
                instance = cases.get(s, case_id)
                return record.readable(s, actor=actor, instance=instance, purpose="bench")

        return run

    figures = {
        "complete_with_record": timed([complete(i) for i in ids]),
        "task_record_for_page": timed([task_page(i) for i in ids]),
        "case_record": timed([case_record(i) for i in ids]),
    }
    if args.json:
        json.dump(figures, sys.stdout)
        print()
        return
    for name, values in figures.items():
        print(f"{name:24} p50 {values['p50_ms']:6.2f} ms   p95 {values['p95_ms']:6.2f} ms")


if __name__ == "__main__":
    main()
