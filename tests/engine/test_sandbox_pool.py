"""Scripts run in worker processes: the server survives what kills or freezes them.

Real worker processes throughout; budgets are small so each poison costs a second."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pathways import clock
from pathways.engine import sandbox_pool
from pathways.engine.sandbox_codec import decode, encode
from pathways.engine.sandbox_errors import (
    Budget,
    BudgetExceeded,
    ScriptFailed,
    ScriptRejected,
    WorkerBusy,
    WorkerLost,
)
from pathways.engine.sandbox_pool import PoolConfig, Worker, WorkerPool

QUICK = Budget(seconds=0.5, wall_seconds=1.0)
# Room for the crashing script to reach its crash on a busy machine (it needs under a
# second of CPU): a time-out would also raise WorkerLost, for the wrong reason.
CRASH_ROOM = Budget(seconds=20, wall_seconds=40)
NESTED_HASH = "x = ()\nfor i in range(200000):\n    x = (x,)\ny = hash(x)"
FROZEN_CALL = "sum(map(sum, map(range, range(10**6))))"


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(PoolConfig(workers=2, memory_mb=256))
    sandbox_pool.POOL, previous = pool, sandbox_pool.POOL
    yield pool
    sandbox_pool.POOL = previous
    pool.close()


def test_plain_data_of_every_kind_crosses_unchanged() -> None:
    value = {
        "n": 2**200,
        "neg": -(2**70),
        "t": (1, "a", None),
        "s": {1, 2},
        "f": frozenset({"x"}),
        "when": datetime(2026, 12, 4, 8, 30, tzinfo=UTC),
        "day": date(2026, 12, 4),
        "gap": timedelta(days=3, seconds=5),
        "keys": {1: "one", "\u0000": 0},
        "z": 1 + 2j,
        "b": b"\x00\xff",
        "nested": [[{"a": [True, 1.5]}]],
    }
    back = decode(encode(value))
    assert back == value
    assert type(back["t"]) is tuple and type(back["s"]) is set


def test_what_is_not_data_does_not_cross() -> None:
    with pytest.raises(TypeError):
        encode({"f": object()})


def test_a_script_runs_in_a_worker_and_leaves_its_data(pool: WorkerPool) -> None:
    data = {"a": [1, (2, 3)], "day": date(2026, 1, 1)}
    sandbox_pool.execute("b = a[1] + (4,)\nnext_day = day + timedelta(days=1)", data, QUICK)
    assert data == {
        "a": [1, (2, 3)],
        "day": date(2026, 1, 1),
        "b": (2, 3, 4),
        "next_day": date(2026, 1, 2),
    }
    assert sandbox_pool.evaluate("len(a) + 1", data, QUICK) == 3
    assert pool.started == 1  # the same worker served both


def test_the_workers_clock_is_the_callers(pool: WorkerPool) -> None:  # noqa: ARG001
    with clock.frozen(datetime(2031, 5, 6, 9, 0, tzinfo=UTC)):
        assert sandbox_pool.evaluate("today()", {}, QUICK) == date(2031, 5, 6)


def test_the_days_closed_for_a_run_reach_its_working_day_helpers(pool: WorkerPool) -> None:  # noqa: ARG001
    deadline = "working_days_deadline(1, '2026-11-23')"  # Monday
    assert sandbox_pool.evaluate(deadline, {}, QUICK) == "2026-11-24T23:59:59.999999+02:00"
    closed = [date(2026, 11, 24)]
    assert sandbox_pool.evaluate(deadline, {}, QUICK, closed) == "2026-11-25T23:59:59.999999+02:00"
    data: dict[str, object] = {}
    sandbox_pool.execute("due = add_working_days('2026-11-23', 1)", data, QUICK, closed)
    assert data == {"due": date(2026, 11, 25)}


def test_errors_keep_their_kind_and_line(pool: WorkerPool) -> None:  # noqa: ARG001
    with pytest.raises(ScriptRejected):
        sandbox_pool.execute("import os", {}, QUICK)
    with pytest.raises(ScriptFailed) as failed:
        sandbox_pool.execute("a = 1\nb = missing", {}, QUICK)
    assert failed.value.line == 2 and "NameError" in failed.value.message
    with pytest.raises(BudgetExceeded):
        sandbox_pool.execute("while True:\n    pass", {}, QUICK)


def test_a_segfault_kills_only_the_worker_which_is_replaced(pool: WorkerPool) -> None:
    with pytest.raises(WorkerLost) as lost:
        sandbox_pool.execute(NESTED_HASH, {}, CRASH_ROOM)
    assert lost.value.how == "crashed" and "SIGSEGV" in lost.value.message
    assert sandbox_pool.evaluate("1 + 1", {}, QUICK) == 2
    assert pool.lost == 1


def test_a_long_c_call_is_stopped_at_the_wall_clock_budget(pool: WorkerPool) -> None:
    started = time.monotonic()
    with pytest.raises(WorkerLost) as lost:
        sandbox_pool.evaluate(FROZEN_CALL, {}, QUICK)
    took = time.monotonic() - started
    assert lost.value.how == "timed out"
    assert took < 10  # bounded by the watchdog, not by the call (hours)
    assert sandbox_pool.evaluate("2 * 3", {}, QUICK) == 6


@pytest.mark.parametrize(
    "source",
    [
        "s = 'a' * 1000\nfor i in range(40):\n    s = f'{s}{s}'",
        "s = 'ab'\nfor i in range(40):\n    s = '%s%s' % (s, s)",
        "s = '%Y' * 10000\nfor i in range(40):\n    s = today().strftime(s + s)",
    ],
    ids=["f-string", "percent", "strftime"],
)
def test_size_budget_bypasses_end_in_a_refusal(pool: WorkerPool, source: str) -> None:  # noqa: ARG001
    with pytest.raises(ScriptFailed):
        sandbox_pool.execute(source, {}, Budget(seconds=2, wall_seconds=5))
    assert sandbox_pool.evaluate("'still here'", {}, QUICK) == "still here"


def _limits(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]
    return {line[:26].strip(): line[26:47].strip() for line in lines}


def test_the_kernel_limits_each_worker() -> None:
    worker = Worker(PoolConfig(memory_mb=256, cpu_life_seconds=600))
    try:
        limits = _limits(worker.process.pid)
        assert limits["Max address space"] == str(256 * 1024 * 1024)
        assert limits["Max open files"] == "3"  # no file, socket or pipe can be opened
        assert limits["Max file size"] == "0"
        assert limits["Max core file size"] == "0"
        assert limits["Max processes"] == "0"
        assert limits["Max cpu time"] == "600"
        assert sorted(Path(f"/proc/{worker.process.pid}/fd").iterdir()) == [
            Path(f"/proc/{worker.process.pid}/fd/{n}") for n in range(3)
        ]
    finally:
        worker.kill()


def test_a_worker_has_none_of_the_servers_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATHWAYS_SECRET_KEY", "not-for-scripts")
    worker = Worker(PoolConfig())
    try:
        environ = Path(f"/proc/{worker.process.pid}/environ").read_bytes()
        assert b"not-for-scripts" not in environ
    finally:
        worker.kill()


def test_other_threads_keep_evaluating_while_a_worker_crashes(pool: WorkerPool) -> None:
    results: list[object] = []
    errors: list[BaseException] = []

    def evaluate_many(n: int) -> None:
        try:
            results.extend(sandbox_pool.evaluate("n * 2", {"n": n}, QUICK) for _ in range(20))
        except BaseException as error:  # noqa: BLE001 — collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=evaluate_many, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    with pytest.raises(WorkerLost):
        sandbox_pool.execute(NESTED_HASH, {}, CRASH_ROOM)
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(set(results)) == [0, 2, 4, 6] and len(results) == 80
    assert len(pool._idle) <= pool.config.workers  # replacements never overfill the pool


def test_the_kernel_ends_a_long_c_call_even_without_the_watchdog(pool: WorkerPool) -> None:
    lenient_watchdog = Budget(seconds=0.5, wall_seconds=60)
    with pytest.raises(WorkerLost) as lost:
        sandbox_pool.evaluate(FROZEN_CALL, {}, lenient_watchdog)
    assert lost.value.how == "crashed" and "SIGXCPU" in lost.value.message
    assert sandbox_pool.evaluate("1", {}, QUICK) == 1


def test_a_run_that_finds_every_worker_busy_says_so_after_waiting() -> None:
    pool = WorkerPool(PoolConfig(workers=1, memory_mb=256, queue_seconds=0.3))
    sandbox_pool.POOL, previous = pool, sandbox_pool.POOL
    try:
        frozen = threading.Thread(
            target=lambda: pytest.raises(WorkerLost, sandbox_pool.evaluate, FROZEN_CALL, {}, QUICK)
        )
        frozen.start()
        deadline = time.monotonic() + 10
        while pool.started == 0 and time.monotonic() < deadline:  # the one slot is taken
            time.sleep(0.01)
        with pytest.raises(WorkerBusy):
            sandbox_pool.evaluate("1", {}, QUICK)
        frozen.join(timeout=30)
        assert sandbox_pool.evaluate("1", {}, QUICK) == 1
    finally:
        sandbox_pool.POOL = previous
        pool.close()
