"""What scripts can call by name without a run's guards: dates, working days, builtins.

Contract:
- `today`, `parse_date`, `add_working_days`, `working_days_later`,
  `working_days_deadline` and `iso_duration` read Helsinki time from `pathways.clock`
  and Finnish working days from `pathways.calendar`, less the days `closed_on` names
  for the run (the closed days of the organisation serving the script's lane); at most
  `MAX_WORKING_DAYS` working days at a time.
- `STATIC_BUILTINS` is the part of a script's builtins that holds no run state:
  RestrictedPython's safe builtins minus the ones a run replaces with size-checked
  versions (or that scripts must not have), the helpers above, `now`, a `round` and a
  `sum` that refuse to build huge values, and an `__import__` that C code may use for
  `time` only. `sandbox_guards` adds the rest per run.
- Imports no other sandbox module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any

from RestrictedPython.Guards import safe_builtins

from pathways import clock
from pathways.calendar import WorkingCalendar, calendar_closed_on

MAX_WORKING_DAYS = 10_000  # about 40 years: the calendar steps day by day
MAX_ROUND_DIGITS = 4300  # round(1, -10**7) computes 10**(10**7) in C


_CLOSED: ContextVar[frozenset[date]] = ContextVar("closed_days", default=frozenset())


@contextmanager
def closed_on(days: Iterable[date]) -> Iterator[None]:
    """The working-day helpers also skip `days` in this thread or task, until the block ends."""
    token = _CLOSED.set(frozenset(days))
    try:
        yield
    finally:
        _CLOSED.reset(token)


def _calendar() -> WorkingCalendar:
    return calendar_closed_on(_CLOSED.get())


def _local(moment: datetime) -> datetime:
    """Helsinki wall-clock time; a naive datetime is taken to be Helsinki time already."""
    return clock.local(moment) if moment.tzinfo else moment.replace(tzinfo=clock.HELSINKI)


def _start_moment(given: date | datetime | str) -> datetime:
    start: object = given
    if isinstance(given, str):
        try:
            start = date.fromisoformat(given.strip())
        except ValueError:
            start = datetime.fromisoformat(given.strip())
    if isinstance(start, datetime):
        return _local(start)
    if isinstance(start, date):
        return datetime.combine(start, time_of_day(0), tzinfo=clock.HELSINKI)
    raise TypeError(f"a start must be a date or ISO 8601 text, not {type(start).__name__}")


def _checked_days(n: int) -> int:
    if not isinstance(n, int) or not 0 <= n <= MAX_WORKING_DAYS:
        raise ValueError(f"working days must be a whole number from 0 to {MAX_WORKING_DAYS}")
    return n


def today() -> date:
    """Today in Helsinki."""
    return clock.local(clock.now()).date()


def parse_date(s: str) -> date:
    """A date from ISO 8601 text; a date-time gives its Helsinki date."""
    if not isinstance(s, str):
        raise TypeError(f"parse_date() needs text, not {type(s).__name__}")
    return _start_moment(s).date()


def add_working_days(start: date | str, n: int) -> date:
    """The date n Finnish working days after `start` (a date, or ISO 8601 text)."""
    return _calendar().add_working_days(_start_moment(start).date(), _checked_days(n))


def working_days_later(n: int, start: date | datetime | str | None = None) -> str:
    """ISO 8601 date-time with offset n working days after `start` (default: now), at
    the same Helsinki clock time (a bare date means midnight). For BPMN timeDate."""
    moment = clock.now() if start is None else _start_moment(start)
    later = _calendar().working_days_after(moment, _checked_days(n))
    return clock.local(later).isoformat("T", "seconds")


def working_days_deadline(n: int, start: date | datetime | str | None = None) -> str:
    """ISO 8601 date-time with offset of the end of the nth working day after `start`
    (default: now): 23:59:59.999999 Helsinki time, so a timeDate timer on it fires at
    00:00 of the next day. `n == 0` is the end of `start`'s day, or of the next working
    day when that one is not a working day. For deadlines; `working_days_later` keeps
    the clock time instead."""
    moment = clock.now() if start is None else _start_moment(start)
    end = _calendar().end_of_working_day(moment, _checked_days(n))
    return clock.local(end).isoformat("T", "microseconds")


def iso_duration(days: int = 0, hours: int = 0, minutes: int = 0) -> str:
    """'P14D', 'PT2H', 'P1DT2H30M'; all zero gives 'P0D'."""
    if not all(isinstance(part, int) and part >= 0 for part in (days, hours, minutes)):
        raise ValueError("iso_duration() takes whole, non-negative numbers")
    clock_part = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    text = (f"{days}D" if days else "") + (f"T{clock_part}" if clock_part else "")
    return "P" + (text or "0D")


def _round(number: Any, ndigits: int | None = None) -> Any:
    if isinstance(ndigits, int) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise ValueError(f"round() digits must be within ±{MAX_ROUND_DIGITS}")
    return round(number) if ndigits is None else round(number, ndigits)


def _sum(iterable: Iterable[Any], /, start: Any = 0) -> Any:
    if not isinstance(start, int | float | complex):  # sum(lists, []) is quadratic in C
        raise TypeError("sum() adds numbers only; use + or ''.join() for sequences")
    return sum(iterable, start)


def _import_for_c(name: str, *args: Any, **kwargs: Any) -> Any:
    # C code such as date.strftime imports `time` through the running frame's builtins.
    # Scripts cannot name this (underscore) and `import` does not compile.
    if name != "time":
        raise ImportError(f"import of {name} is not available in scripts")
    return __import__(name, *args, **kwargs)


# Replaced by guarded versions, or left out: scripts must not raise what the engine's
# `except Exception` would not catch.
_LEFT_OUT = {"setattr", "delattr", "issubclass", "pow", "round", "range", "int"}
_LEFT_OUT |= {"BaseException", "KeyboardInterrupt", "SystemExit", "GeneratorExit"}
_PLAIN: tuple[Any, ...] = (len, min, max, any, all, abs, divmod, str, float, bool, enumerate)
_PLAIN += (zip, reversed, map, filter, date, datetime, timedelta, today, parse_date)
_PLAIN += (add_working_days, working_days_later, working_days_deadline, iso_duration)
STATIC_BUILTINS: dict[str, Any] = {
    **{k: v for k, v in safe_builtins.items() if k[0] != "_" and k not in _LEFT_OUT},
    **{f.__name__: f for f in _PLAIN},
    **{"round": _round, "sum": _sum, "now": clock.now, "__import__": _import_for_c},
}
