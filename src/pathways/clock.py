"""The one source of the current time.

Everything in Pathways, the engine's timer events included, asks `now()`; tests
freeze or advance it with `frozen()`. Always timezone-aware UTC.

Two layers: the process-wide source (the machine clock, or a test's `frozen()`), and
a per-context override set with `pinned()`. The timer poller pins the database's
clock while it fires, so a poller whose machine clock is off never fires early, and
a poller thread inside a web process never changes the time request threads see.
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
# A clock of this thread or task only (a poller's database time, a dry run's simulated
# time), which leaves every other thread's and request's time alone.
_local: ContextVar[Callable[[], datetime] | None] = ContextVar("pathways_clock", default=None)


def now() -> datetime:
    """The current time in UTC: this context's own clock if it has one, else the source's."""
    local_clock = _local.get()
    return _source() if local_clock is None else local_clock()


@contextmanager
def pinned(moment: datetime) -> Iterator[None]:
    """`now()` is `moment` in this thread or task only, until the block ends."""
    if moment.tzinfo is None:
        raise ValueError("a pinned clock needs a timezone-aware moment")
    fixed = moment.astimezone(UTC)
    token = _local.set(lambda: fixed)
    try:
        yield
    finally:
        _local.reset(token)


def skew(offset: timedelta) -> None:
    """Shift this process's machine clock by `offset`. Only for tests of a wrong clock."""
    global _source

    def skewed() -> datetime:
        return _system_now() + offset

    _source = skewed if offset else _system_now


def machine_now() -> datetime:
    """The machine's own clock, never frozen or pinned: for schedulers that sleep on it."""
    return _system_now()


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
    token = _local.set(clock)
    try:
        yield clock
    finally:
        _local.reset(token)
