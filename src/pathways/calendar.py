"""Finnish working days.

Contract: a working day is Monday to Friday, not a Finnish public holiday as the
`holidays` package lists them (Midsummer Eve and Christmas Eve included), and not
one of the calendar's extra closed days. Pure: no clock, no database. Holidays are
loaded lazily one year at a time and kept for the life of the process.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

_SATURDAY = 5
HELSINKI = ZoneInfo("Europe/Helsinki")
_ONE_DAY = timedelta(days=1)
# The last moment of a day that a timestamp can hold (microseconds): a deadline at the end
# of a day is met by anything done before midnight and passes at 00:00 of the next day.
END_OF_DAY = time(23, 59, 59, 999_999)


class WorkingCalendar:
    """Working days in Finland, optionally with extra closed days (e.g. office closures)."""

    def __init__(self, extra_closed: Iterable[date] = ()) -> None:
        self._extra_closed = frozenset(extra_closed)

    def is_working_day(self, d: date) -> bool:
        return (
            d.weekday() < _SATURDAY
            and d not in self._holidays(d.year)
            and d not in self._extra_closed
        )

    def add_working_days(self, start: date, n: int) -> date:
        """The date `n` working days after `start`, not counting `start` itself.

        `n == 0` gives `start` when it is a working day, else the next working day.
        """
        if n < 0:
            raise ValueError(f"cannot add a negative number of working days ({n})")
        day = start
        if n == 0:
            while not self.is_working_day(day):
                day += _ONE_DAY
            return day
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_after(self, moment: datetime, n: int) -> datetime:
        """`n` working days after `moment` at the same Helsinki clock time, in UTC."""
        local = moment.astimezone(HELSINKI)
        day = self.add_working_days(local.date(), n)
        # Working days are never DST changeover days (those are Sundays): no gap, no fold.
        return datetime.combine(day, local.time(), HELSINKI).astimezone(UTC)

    def end_of_working_day(self, moment: datetime, n: int) -> datetime:
        """The end of the `n`th working day after `moment` in Helsinki, in UTC: the last
        moment of that day (23:59:59.999999), so the deadline passes at the next midnight.

        A time limit of days runs out at the end of its last day, and one that would end
        on a day off runs on to the end of the next working day (Act 150/1930).
        """
        day = self.add_working_days(moment.astimezone(HELSINKI).date(), n)
        return datetime.combine(day, END_OF_DAY, HELSINKI).astimezone(UTC)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days fall in (start, end]; 0 when `end` is not after `start`."""
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def _holidays(self, year: int) -> frozenset[date]:
        return _finnish_holidays(year)


@cache
def _finnish_holidays(year: int) -> frozenset[date]:
    # Kept as frozensets of dates, shared by every calendar: HolidayBase's `in` converts
    # its argument on every call, and this runs for every day a deadline steps over.
    # Imported here: the package loads every country's tables, a few tenths of a second
    # that commands which never step over a working day need not pay.
    import holidays

    return frozenset(holidays.country_holidays("FI", years=year))


@cache
def finnish_calendar() -> WorkingCalendar:
    """The shared calendar with public holidays only."""
    calendar = WorkingCalendar()
    # The first lookup imports the `holidays` package's Finnish tables (a fifth of a
    # second); later years cost well under a millisecond. Pay it here, not in a script.
    calendar.is_working_day(date(2000, 1, 3))
    return calendar


@lru_cache(maxsize=64)
def calendar_closed_on(closed: frozenset[date]) -> WorkingCalendar:
    """The calendar with public holidays and the days `closed`."""
    return WorkingCalendar(closed) if closed else finnish_calendar()
