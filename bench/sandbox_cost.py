"""What running scripts out of process costs: per evaluation and per completion.

Prints, in one run (medians of several rounds):
- per expression and per script: the sandbox in this process against the same call
  through a worker process (`sandbox_pool`), and the difference, for small and for
  larger task data;
- per completion: `Pathway.complete` of a case whose step runs a script and a timer
  expression, with the worker pool against the sandbox in process, and the difference
  over the evaluations that completion made;
- a worker's cold start, and how long a crashing script takes to come back as an error.

Usage: python bench/sandbox_cost.py [--rounds N] [--json]   (--json: one JSON object,
on the last line)
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from pathways.engine import Budget, Pathway, build, sandbox, sandbox_pool, scripting
from pathways.engine.sandbox_errors import WorkerLost
from pathways.engine.sandbox_pool import PoolConfig, Worker
from pathways.forms.service import FormCatalog

ROOT = Path(__file__).parents[1]
MODEL = ROOT / "tests" / "bpmn" / "sandbox_poison.bpmn"
BUDGET = Budget()
SMALL = {"score": 7, "name": "Aino"}
LARGER = {f"field_{n}": {"text": "x" * 40, "items": list(range(10))} for n in range(50)}
SCRIPT = "total = len(d) + 1\nflag = total > 3"
PLAIN = {"start_mode": "", "complete_mode": "", "timer_mode": "", "size": 10}


def _median_us(work: Callable[[], Any], rounds: int) -> float:
    for _ in range(min(50, rounds)):
        work()
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds):
            work()
        samples.append((time.perf_counter() - started) / rounds * 1e6)
    return statistics.median(samples)


def per_call(rounds: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    for label, data in (("small", SMALL), ("larger", LARGER)):
        inproc = _median_us(
            lambda d=data: sandbox.evaluate("len(str(d)) > 1", {"d": d}, BUDGET), rounds
        )
        pooled = _median_us(
            lambda d=data: sandbox_pool.evaluate("len(str(d)) > 1", {"d": d}, BUDGET), rounds
        )
        figures[f"evaluate_{label}_in_process_us"] = inproc
        figures[f"evaluate_{label}_worker_us"] = pooled
        figures[f"evaluate_{label}_added_us"] = pooled - inproc
        inproc = _median_us(lambda d=data: sandbox.execute(SCRIPT, {"d": d}, BUDGET), rounds)
        pooled = _median_us(lambda d=data: sandbox_pool.execute(SCRIPT, {"d": d}, BUDGET), rounds)
        figures[f"execute_{label}_in_process_us"] = inproc
        figures[f"execute_{label}_worker_us"] = pooled
        figures[f"execute_{label}_added_us"] = pooled - inproc
    return figures


@contextmanager
def in_process() -> Iterator[None]:
    """The script engine calling the sandbox directly, as before the worker pool."""
    saved = scripting.sandbox_pool.evaluate, scripting.sandbox_pool.execute
    scripting.sandbox_pool.evaluate, scripting.sandbox_pool.execute = (  # type: ignore[assignment]
        sandbox.evaluate,
        sandbox.execute,
    )
    try:
        yield
    finally:
        scripting.sandbox_pool.evaluate, scripting.sandbox_pool.execute = saved  # type: ignore[assignment]


class Counting:
    """Counts the pool's round trips during a block."""

    def __init__(self) -> None:
        self.calls = 0
        self._saved = sandbox_pool.POOL.run

    def __enter__(self) -> Counting:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return self._saved(*args, **kwargs)

        sandbox_pool.POOL.run = counted  # type: ignore[method-assign]
        return self

    def __exit__(self, *_exc: object) -> None:
        sandbox_pool.POOL.run = self._saved  # type: ignore[method-assign]


def per_completion(rounds: int) -> dict[str, float]:
    forms = FormCatalog(ROOT / "tests" / "forms")
    (process,) = build(
        MODEL.read_bytes(), max_bytes=2_000_000, check_form=forms.problem, budget=BUDGET
    )
    pathway = Pathway(process.spec, BUDGET)
    started = pathway.start(PLAIN)
    (intake,) = started.open_tasks

    def complete() -> None:
        pathway.complete(started.state, started.serializer_version, intake.spiff_id, {})

    with Counting() as counting:
        complete()
    pooled = _median_us(complete, max(rounds // 10, 20))
    with in_process():
        inproc = _median_us(complete, max(rounds // 10, 20))
    return {
        "completion_in_process_us": inproc,
        "completion_worker_us": pooled,
        "completion_added_us": pooled - inproc,
        "evaluations_per_completion": counting.calls,
    }


def worker_life() -> dict[str, float]:
    started = time.perf_counter()
    Worker(PoolConfig()).kill()
    cold = time.perf_counter() - started
    crash = "x = ()\nfor i in range(200000):\n    x = (x,)\ny = hash(x)"
    started = time.perf_counter()
    with suppress(WorkerLost):
        sandbox_pool.execute(crash, {}, Budget(seconds=2, wall_seconds=4))
    return {
        "worker_cold_start_ms": cold * 1000,
        "crash_to_error_ms": (time.perf_counter() - started) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--json", action="store_true", help="one JSON object on the last line")
    args = parser.parse_args()
    figures = {**per_call(args.rounds), **per_completion(args.rounds), **worker_life()}
    for name, value in figures.items():
        print(f"{name:36} {value:10.1f}")
    if args.json:
        print(json.dumps({k: round(v, 1) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
