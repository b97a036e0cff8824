"""The sandbox's budget and its errors, shared by every sandbox module.

Contract:
- `Budget` is what one run may use: `seconds` of its thread's CPU time, `max_size` items
  or characters in any value it builds or leaves behind, and, out of process,
  `wall_seconds` of real time before the watchdog kills its worker.
- Every refusal or failure is a `ScriptError` with a one-line `message` and, when
  known, the script's `line`: `ScriptRejected` (does not compile in the sandbox),
  `ScriptFailed` (raised while running), its `BudgetExceeded` (too long, too large)
  and that one's `WorkerLost` (the worker process died or was killed).
- This module imports nothing from the other sandbox modules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    seconds: float = 1.0
    max_size: int = 1_000_000
    # Out of process, the watchdog kills the worker after this much real time.
    wall_seconds: float = 3.0


class ScriptError(Exception):
    """A script or expression that the sandbox refused or that failed."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class ScriptRejected(ScriptError):
    """It does not compile in the sandbox (syntax error or forbidden construct)."""


class ScriptFailed(ScriptError):
    """It raised an error while running."""


class BudgetExceeded(ScriptFailed):
    """It ran too long or built too large a value."""


class WorkerLost(BudgetExceeded):
    """It killed its worker process or was killed at the wall-clock budget.

    `how` is "crashed" or "timed out": a case that keeps doing it is an incident."""

    def __init__(self, message: str, how: str, line: int | None = None) -> None:
        super().__init__(message, line)
        self.how = how


class WorkerBusy(BudgetExceeded):
    """No worker process became free in time: the replica's load, not the script's."""
