"""A script worker: one process that runs sandboxed code for the server, one at a time.

Contract:
- Started by `sandbox_pool` as `python -m pathways.engine.sandbox_worker MEMORY_MB
  CPU_SECONDS`, with only its standard streams open. It imports everything a script
  can reach, then gives itself kernel limits it cannot lift: address space
  (`RLIMIT_AS`), no new file descriptors at all (`RLIMIT_NOFILE` = 3, so no file,
  socket or pipe can be opened: no files, no network), no file writes, no core
  dumps, no child processes, and `CPU_SECONDS` of CPU in its whole life. Before each
  run the soft CPU limit is set just above the run's budget, so a single long C call
  is ended by the kernel (SIGXCPU) even if the parent's watchdog were late.
- Frames on stdin/stdout are `sandbox_codec` frames. It answers `{"ready": true}` once
  limited, then one reply per request: `{"ok": true, "value": ...}` or `{"ok": false,
  "kind": "rejected" | "failed" | "budget", "message", "line"}`, with `"retire": true`
  when it should not be used again (after a MemoryError, or near its CPU life).
- It exits on end of input, so it never outlives the server.
"""

from __future__ import annotations

import os
import resource
import sys
from datetime import date, datetime
from typing import Any

from pathways import clock
from pathways.engine import sandbox
from pathways.engine.sandbox_codec import HEADER, decode, encode, frame, parse
from pathways.engine.sandbox_errors import Budget, BudgetExceeded, ScriptError, ScriptRejected
from pathways.engine.sandbox_helpers import closed_on

_KINDS = ((ScriptRejected, "rejected"), (BudgetExceeded, "budget"), (ScriptError, "failed"))


def _warm_up() -> None:
    """Load, before the limits, whatever C code imports lazily (no files after them)."""
    datetime.strptime("2026-01-01 +0200", "%Y-%m-%d %z")
    sandbox.evaluate("parse_date('2026-01-01').strftime('%A %d %B') + f'{1.5:.2f}'", {}, Budget())
    sandbox.execute("x = working_days_later(3)\ny = sorted({3, 1})", {}, Budget())


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    os.closerange(3, 4096)
    limits = {
        resource.RLIMIT_AS: memory_mb * 1024 * 1024,
        resource.RLIMIT_NOFILE: 3,
        resource.RLIMIT_FSIZE: 0,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NPROC: 0,
        resource.RLIMIT_CPU: cpu_seconds,
    }
    for which, value in limits.items():
        resource.setrlimit(which, (value, value))


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run(request: dict[str, Any]) -> Any:
    budget = Budget(seconds=float(request["seconds"]), max_size=int(request["max_size"]))
    namespace = decode(request["data"])
    closed = [date.fromisoformat(day) for day in request.get("closed", ())]
    with clock.pinned(datetime.fromisoformat(request["now"])), closed_on(closed):
        if request["op"] == "eval":
            return sandbox.evaluate(request["source"], namespace, budget)
        sandbox.execute(request["source"], namespace, budget)
        return namespace


def answer(request: dict[str, Any], cpu_life: int) -> dict[str, Any]:
    """The reply to one request, with the CPU limit set just above its budget."""
    soft = min(int(_cpu_used() + float(request["seconds"])) + 2, cpu_life)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, cpu_life))
    retire = _cpu_used() > cpu_life * 0.8
    try:
        return {"ok": True, "value": encode(_run(request)), "retire": retire}
    except ScriptError as error:
        kind = next(name for cls, name in _KINDS if isinstance(error, cls))
        reply = {"ok": False, "kind": kind, "message": error.message, "line": error.line}
    except MemoryError:
        reply = {"ok": False, "kind": "budget", "message": "the script ran out of memory"}
        retire = True
    except Exception as error:  # noqa: BLE001 — a reply, whatever went wrong
        reply = {"ok": False, "kind": "failed", "message": f"{type(error).__name__}"}
    return {**reply, "retire": retire}


def _read(size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(0, left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write(message: dict[str, Any]) -> None:
    data = memoryview(frame(message))
    while data:
        data = data[os.write(1, data) :]


def main(argv: list[str]) -> int:
    memory_mb, cpu_life = int(argv[0]), int(argv[1])
    _warm_up()
    _limit(memory_mb, cpu_life)
    _write({"ready": True})
    while (header := _read(HEADER.size)) is not None:
        body = _read(HEADER.unpack(header)[0])
        if body is None:
            break
        try:
            reply = answer(parse(body), cpu_life)
        except MemoryError:
            reply = {"ok": False, "kind": "budget", "message": "the script ran out of memory"}
            reply["retire"] = True
        _write(reply)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
