"""Running sandboxed code in a pool of worker processes, under a watchdog.

Contract:
- `evaluate(source, namespace, budget)` and `execute(source, namespace, budget)` do
  what `sandbox.evaluate`/`sandbox.execute` do, with the same errors, but in a worker
  process (`sandbox_worker`) that has kernel limits on memory, CPU, files and
  processes. The namespace goes over as a copy (`sandbox_codec`), the value or the
  data left by the script comes back; `pathways.clock.now()` and the days closed for
  the run's working-day helpers (`closed`) travel with each run.
- Source is compiled here first (cached), so a refused script costs no round trip.
- A worker that does not answer within the run's wall-clock budget is killed
  (`WorkerLost`, "timed out"); one that dies (a segfault, the kernel's CPU or memory
  limit) is `WorkerLost` "crashed". Either way it is replaced in the background and
  the caller, its other requests and the poller carry on.
- `POOL` is the process's pool, sized by `configure_workers`; workers start on first use.

Why subprocesses speaking frames over pipes, and not `multiprocessing`: a server
process holds threads, database connections and locks, so forking it is unsafe, and
a `spawn`/`forkserver` pool re-imports the caller's main module and pickles replies,
which a hostile worker could abuse. A fresh interpreter (`python -m ...`) with an
empty environment inherits nothing but its three standard streams; JSON frames build
only plain data; `select` on one pipe gives the watchdog a deadline without threads.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pathways import clock
from pathways.engine import sandbox
from pathways.engine.sandbox_codec import HEADER, decode, encode, frame, parse
from pathways.engine.sandbox_errors import (
    Budget,
    BudgetExceeded,
    ScriptFailed,
    ScriptRejected,
    WorkerBusy,
    WorkerLost,
)

MAX_REPLY = 256 * 1024 * 1024
START_SECONDS = 30.0  # a cold interpreter on a busy machine
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class PoolConfig:
    workers: int = 4
    memory_mb: int = 512
    cpu_life_seconds: int = 3600
    queue_seconds: float = 30.0  # how long a run waits for a free worker


class Worker:
    """One worker process and its two pipes."""

    def __init__(self, config: PoolConfig) -> None:
        self.process = subprocess.Popen(  # noqa: S603 — our own module, fixed arguments
            [
                sys.executable,
                "-m",
                "pathways.engine.sandbox_worker",
                str(config.memory_mb),
                str(config.cpu_life_seconds),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a dying script's traceback may hold case data
            env={"PYTHONPATH": _PACKAGE_ROOT, "PYTHONDONTWRITEBYTECODE": "1"},
            start_new_session=True,  # a terminal's Ctrl-C or a group kill reaches us first
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin.fileno(), self.process.stdout.fileno()
        self.retired = False
        try:
            ready = self._read(time.monotonic() + START_SECONDS).get("ready")
        except _Lost:
            ready = False
        if not ready:
            self.kill()
            raise ScriptFailed("the script worker did not start")

    def ask(self, request: dict[str, Any], wall_seconds: float) -> dict[str, Any]:
        deadline = time.monotonic() + wall_seconds
        data = memoryview(frame(request))
        while data:
            data = data[os.write(self.stdin, data) :]
        reply = self._read(deadline)
        self.retired = bool(reply.get("retire"))
        return reply

    def _read(self, deadline: float) -> dict[str, Any]:
        header = self._exactly(HEADER.size, deadline)
        size = HEADER.unpack(header)[0]
        if size > MAX_REPLY:
            raise _Lost("crashed")
        try:
            return parse(self._exactly(size, deadline))
        except (ValueError, RecursionError):  # not what a worker of ours sends
            raise _Lost("crashed") from None

    def _exactly(self, size: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.stdout], [], [], left)[0]:
                raise _Lost("timed out")
            chunk = os.read(self.stdout, min(size, 1 << 20))
            if not chunk:
                raise _Lost("crashed")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> int | None:
        """Stop the process for good; its exit status (negative: the signal)."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        code = self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        return code


class _Lost(Exception):
    def __init__(self, how: str) -> None:
        super().__init__(how)
        self.how = how


class WorkerPool:
    """At most `workers` processes, each running one script at a time."""

    def __init__(self, config: PoolConfig | None = None) -> None:
        self.config = config or PoolConfig()
        self._idle: list[Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(self.config.workers)
        self.started = 0
        self.lost = 0

    def configure(self, config: PoolConfig) -> None:
        """Take a new size and limits; the workers of the old ones retire."""
        if config == self.config:
            return
        with self._lock:
            old, self._idle = self._idle, []
            self.config, self._slots = config, threading.Semaphore(config.workers)
        for worker in old:
            worker.kill()

    def run(self, request: dict[str, Any], wall_seconds: float) -> dict[str, Any]:
        slots = self._slots
        if not slots.acquire(timeout=self.config.queue_seconds):
            raise WorkerBusy("no script worker became free in time")
        try:
            return self._run(request, wall_seconds)
        finally:
            slots.release()

    def _run(self, request: dict[str, Any], wall_seconds: float) -> dict[str, Any]:
        worker = self._take()
        try:
            reply = worker.ask(request, wall_seconds)
        except BrokenPipeError:  # died while idle (nothing of this run started): once more
            worker.kill()
            worker = self._take()
            reply = self._ask_or_lose(worker, request, wall_seconds)
        except _Lost as lost:
            raise self._lose(worker, lost.how, wall_seconds) from None
        self._give_back(worker)
        return reply

    def _ask_or_lose(
        self, worker: Worker, request: dict[str, Any], wall_seconds: float
    ) -> dict[str, Any]:
        try:
            return worker.ask(request, wall_seconds)
        except (_Lost, BrokenPipeError) as lost:
            how = lost.how if isinstance(lost, _Lost) else "crashed"
            raise self._lose(worker, how, wall_seconds) from None

    def _take(self) -> Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        self.started += 1
        return Worker(self.config)

    def _give_back(self, worker: Worker) -> None:
        with self._lock:
            keep = not worker.retired and len(self._idle) < self.config.workers
            if keep:
                self._idle.append(worker)
        if not keep:
            worker.kill()

    def _lose(self, worker: Worker, how: str, wall_seconds: float) -> WorkerLost:
        code = worker.kill()
        self.lost += 1
        threading.Thread(target=self._replace, daemon=True, name="sandbox-replace").start()
        if how == "timed out":
            return WorkerLost(f"the script ran longer than {wall_seconds:g} s and was stopped", how)
        signal_name = _signal_name(code)
        if signal_name == "SIGXCPU":  # the kernel's CPU limit, the watchdog's twin
            return WorkerLost(
                "the script ran longer than its CPU limit and was stopped (SIGXCPU)", how
            )
        return WorkerLost(f"the script crashed its process ({signal_name})", how)

    def _replace(self) -> None:
        try:
            worker = Worker(self.config)
        except Exception:  # noqa: BLE001 — the next run starts one itself
            return
        self.started += 1
        self._give_back(worker)

    def status(self) -> PoolStatus:
        with self._lock:
            idle = len(self._idle)
        return PoolStatus(self.config.workers, idle, self.started, self.lost)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


POOL = WorkerPool()
atexit.register(POOL.close)


@dataclass(frozen=True)
class PoolStatus:
    """This process's script workers, for the operations page."""

    size: int  # at most this many run at once
    idle: int  # started and waiting for a script
    started: int  # since the process started
    lost: int  # killed by the watchdog or crashed


def pool_status() -> PoolStatus:
    return POOL.status()


def configure_workers(*, workers: int, memory_mb: int) -> None:
    """Size the process's pool (cheap when nothing changed)."""
    POOL.configure(PoolConfig(workers=workers, memory_mb=memory_mb))


def _wall_seconds(budget: Budget) -> float:
    return max(budget.wall_seconds, budget.seconds + 0.5)


def _request(
    op: str, source: str, namespace: Mapping[str, Any], budget: Budget, closed: Collection[date]
) -> dict[str, Any]:
    try:
        data = encode(dict(namespace))
    except TypeError as error:
        raise ScriptFailed(f"the script's data holds what is not data: {error}") from None
    return {
        "op": op,
        "source": source,
        "data": data,
        "seconds": budget.seconds,
        "max_size": budget.max_size,
        "now": clock.now().isoformat(),
        "closed": sorted(day.isoformat() for day in closed),
    }


_ERRORS = {"rejected": ScriptRejected, "budget": BudgetExceeded, "failed": ScriptFailed}


def _result(reply: dict[str, Any]) -> Any:
    if reply.get("ok"):
        try:
            return decode(reply.get("value"))
        except (KeyError, ValueError, TypeError, IndexError, RecursionError):
            raise ScriptFailed("the script's worker sent back what is not data") from None
    error = _ERRORS.get(str(reply.get("kind")), ScriptFailed)
    line = reply.get("line")
    raise error(str(reply.get("message"))[:1000], line if isinstance(line, int) else None)


def evaluate(
    source: str, namespace: Mapping[str, Any], budget: Budget, closed: Collection[date] = ()
) -> Any:
    """The value of expression `source` over `namespace`, computed in a worker; the
    working-day helpers also skip the days `closed`."""
    sandbox.compile_expression(source)
    request = _request("eval", source, namespace, budget, closed)
    return _result(POOL.run(request, _wall_seconds(budget)))


def execute(
    source: str, namespace: dict[str, Any], budget: Budget, closed: Collection[date] = ()
) -> None:
    """Run script `source` in a worker; on success `namespace` holds the data it left."""
    sandbox.compile_script(source)
    request = _request("exec", source, namespace, budget, closed)
    kept = _result(POOL.run(request, _wall_seconds(budget)))
    namespace.clear()
    namespace.update(kept)
