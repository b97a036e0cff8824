"""Finnish working days.

Contract: a working day is Monday to Friday, not a Finnish public holiday as the
`holidays` package lists them (Midsummer Eve and Christmas Eve included), and not
one of the calendar's extra closed days. Pure: no clock, no database. Holidays are
loaded lazily one year at a time and kept for the life of the calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

_SATURDAY = 5
HELSINKI = ZoneInfo("Europe/Helsinki")
_ONE_DAY = timedelta(days=1)


class WorkingCalendar:
    """Working days in Finland, optionally with extra closed days (e.g. office closures)."""

    def __init__(self, extra_closed: Iterable[date] = ()) -> None:
        self._extra_closed = frozenset(extra_closed)
        self._holidays_by_year: dict[int, frozenset[date]] = {}

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

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days fall in (start, end]; 0 when `end` is not after `start`."""
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def _holidays(self, year: int) -> frozenset[date]:
        # Kept as frozensets of dates: HolidayBase's `in` converts its argument on
        # every call, and this runs for every day a deadline steps over.
        known = self._holidays_by_year.get(year)
        if known is None:
            # Imported here: the package loads every country's tables, a few tenths of a
            # second that commands which never step over a working day need not pay.
            import holidays

            known = frozenset(holidays.country_holidays("FI", years=year))
            self._holidays_by_year[year] = known
        return known


@cache
def finnish_calendar() -> WorkingCalendar:
    """The shared calendar with public holidays only."""
    calendar = WorkingCalendar()
    # The first lookup imports the `holidays` package's Finnish tables (a fifth of a
    # second); later years cost well under a millisecond. Pay it here, not in a script.
    calendar.is_working_day(date(2000, 1, 3))
    return calendar
