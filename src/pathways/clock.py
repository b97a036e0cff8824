"""The one source of the current time.

Everything in Pathways, the engine's timer events included, asks `now()`; tests
freeze or advance it with `frozen()`. Always timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def _system_now() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_now
# A clock of this thread or task only (a dry run), which leaves every other request alone.
_simulated: ContextVar[Callable[[], datetime] | None] = ContextVar("simulated", default=None)


def now() -> datetime:
    """The current time in UTC."""
    simulated = _simulated.get()
    return simulated() if simulated is not None else _source()


def local(moment: datetime) -> datetime:
    """A UTC moment as people here read it."""
    return moment.astimezone(HELSINKI)


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a frozen clock needs a timezone-aware moment")
        self.moment = moment.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> datetime:
        self.moment += delta
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment.astimezone(UTC)


@contextmanager
def frozen(moment: datetime) -> Iterator[FrozenClock]:
    """Freeze `now()` at `moment` inside the block."""
    global _source
    previous = _source
    clock = FrozenClock(moment)
    _source = clock
    try:
        yield clock
    finally:
        _source = previous


@contextmanager
def simulated(moment: datetime) -> Iterator[FrozenClock]:
    """Like `frozen`, but only for the current thread or task (a dry run inside a request)."""
    clock = FrozenClock(moment)
    token = _simulated.set(clock)
    try:
        yield clock
    finally:
        _simulated.reset(token)
