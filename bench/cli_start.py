"""How long the `pathways` command takes to start, as an operator runs it.

Times, as fresh subprocesses, `pathways --help`, `pathways models validate` of a file
that validates alone (`integration-services.bpmn`) and of one whose call activities
read deployed models from the database (`jobseeker.bpmn`), over N runs each: median
and p95 of wall-clock time, and the median CPU time (user + system) of the command
and its children, which a busy machine inflates less. Goal: under 0.5 s for `--help`
and for validating a file alone.

To compare with another checkout, point `--source` at its `src` folder: it is put
first on PYTHONPATH, so the same interpreter runs that code.

Usage: python bench/cli_start.py [--runs N] [--source DIR] [--json]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figures import add_json_flag, emit, name

ROOT = Path(__file__).parents[1]
BIN = Path(sys.executable).parent / "pathways"
CALLED = ("integration-plan.bpmn", "integration-services.bpmn")  # what jobseeker calls
COMMANDS = {
    "help": ["--help"],
    "validate_alone": ["models", "validate", str(ROOT / "bpmn" / "integration-services.bpmn")],
    "validate_calls": ["models", "validate", str(ROOT / "bpmn" / "jobseeker.bpmn")],
}


def _environment(folder: Path, source: Path | None) -> dict[str, str]:
    env = {
        **os.environ,
        "PATHWAYS_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "PATHWAYS_FORMS_DIR": str(ROOT / "forms"),
    }
    if source is not None:
        env["PYTHONPATH"] = str(source)
    return env


def _pathways(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 — our own command, fixed arguments
        [str(BIN), *args], env=env, capture_output=True, timeout=120, check=False
    )


def _prepare(env: dict[str, str]) -> None:
    deploy = ["models", "deploy", *(str(ROOT / "bpmn" / f) for f in CALLED)]
    for args in (["db", "upgrade"], deploy):
        done = _pathways(args, env)
        if done.returncode != 0:
            sys.exit(f"set-up failed: pathways {' '.join(args[:2])}: {done.stderr.decode()[:300]}")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(args: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        cpu, start = _children_cpu(), time.perf_counter()
        done = _pathways(args, env)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
        if done.returncode not in (0, 65):  # 65: the file has problems, still a full run
            sys.exit(f"pathways {' '.join(args[:2])} exited {done.returncode}")
    return walls, cpus


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--source", type=Path, help="a checkout's src folder to time instead")
    add_json_flag(parser)
    options = parser.parse_args()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        env = _environment(Path(folder), options.source)
        _prepare(env)
        print(f"{'command':<16}{'median s':>10}{'p95 s':>10}{'cpu s':>10}")
        for label, args in COMMANDS.items():
            walls, cpus = _time(args, env, options.runs)
            figures[name(label, "median_s")] = statistics.median(walls)
            figures[name(label, "p95_s")] = _p95(walls)
            figures[name(label, "cpu_median_s")] = statistics.median(cpus)
            print(
                f"{label:<16}{statistics.median(walls):>10.3f}{_p95(walls):>10.3f}"
                f"{statistics.median(cpus):>10.3f}"
            )
    print(f"runs: {options.runs} each; source: {options.source or 'this checkout'}")
    if options.json:
        emit(figures)


if __name__ == "__main__":
    main()
