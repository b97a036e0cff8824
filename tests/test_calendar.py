"""The Finnish working-day calendar, on real dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pathways.calendar import HELSINKI, WorkingCalendar, finnish_calendar

CALENDAR = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 6), True),  # a plain Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 1, 6), False),  # Epiphany
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 1), False),  # May Day
        (date(2026, 5, 14), False),  # Ascension Day
        (date(2026, 6, 19), False),  # Midsummer Eve
        (date(2026, 12, 24), False),  # Christmas Eve
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2027, 12, 6), False),  # Independence Day on a Monday
        (date(2027, 12, 7), True),
    ],
)
def test_a_working_day_is_a_weekday_that_is_not_a_public_holiday(day: date, working: bool) -> None:
    assert CALENDAR.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday + 1 is Monday
        (date(2026, 3, 2), 5, date(2026, 3, 9)),  # a whole week
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # over Easter: Good Friday to Easter Monday
        (date(2026, 6, 18), 1, date(2026, 6, 22)),  # over Midsummer Eve and the weekend
        (date(2026, 12, 23), 1, date(2026, 12, 28)),  # over Christmas Eve and Christmas Day
        (date(2027, 12, 3), 1, date(2027, 12, 7)),  # over Independence Day on a Monday
        (date(2026, 12, 31), 3, date(2027, 1, 7)),  # past New Year's Day and Epiphany
    ],
)
def test_adding_working_days_skips_weekends_and_holidays(
    start: date, n: int, expected: date
) -> None:
    assert CALENDAR.add_working_days(start, n) == expected


def test_adding_no_working_days_gives_the_start_or_the_next_working_day() -> None:
    assert CALENDAR.add_working_days(date(2026, 3, 6), 0) == date(2026, 3, 6)
    assert CALENDAR.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 9)  # Saturday
    assert CALENDAR.add_working_days(date(2026, 12, 24), 0) == date(2026, 12, 28)


def test_a_negative_number_of_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add_working_days(date(2026, 3, 6), -1)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 3, 6), date(2026, 3, 13), 5),  # Friday to Friday: the end counts
        (date(2026, 12, 23), date(2026, 12, 31), 4),  # 28th to 31st
        (date(2026, 3, 6), date(2026, 3, 6), 0),
        (date(2026, 3, 13), date(2026, 3, 6), 0),  # end before start
    ],
)
def test_working_days_between_counts_the_end_but_not_the_start(
    start: date, end: date, count: int
) -> None:
    assert CALENDAR.working_days_between(start, end) == count


def test_extra_closed_days_are_not_working_days() -> None:
    closed = WorkingCalendar(extra_closed=[date(2026, 3, 9)])
    assert not closed.is_working_day(date(2026, 3, 9))
    assert closed.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 10)
    assert CALENDAR.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # others unchanged


def test_working_days_after_a_moment_keep_the_helsinki_clock_time_across_dst() -> None:
    friday_10 = datetime(2026, 3, 27, 10, 0, tzinfo=HELSINKI)  # UTC+2, DST starts on Sunday
    monday = CALENDAR.working_days_after(friday_10, 1)
    assert monday == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 10:00 at UTC+3
    assert monday.astimezone(HELSINKI).hour == 10


def test_a_deadline_of_working_days_ends_with_its_last_working_day_in_helsinki() -> None:
    friday_10 = datetime(2026, 3, 27, 10, 0, tzinfo=HELSINKI)
    end = CALENDAR.end_of_working_day(friday_10, 1)  # Monday, after DST began on Sunday
    assert end == datetime(2026, 3, 30, 20, 59, 59, 999_999, tzinfo=UTC)  # 23:59:59.999999 at UTC+3
    assert end + timedelta(microseconds=1) == datetime(2026, 3, 31, 0, 0, tzinfo=HELSINKI)
    # Christmas Eve, Christmas and Boxing Day are no working days; a closed day is none either.
    assert CALENDAR.end_of_working_day(datetime(2026, 12, 23, 15, 0, tzinfo=HELSINKI), 1) == (
        datetime(2026, 12, 28, 23, 59, 59, 999_999, tzinfo=HELSINKI)
    )
    closed = WorkingCalendar(extra_closed=[date(2026, 12, 28)])
    assert closed.end_of_working_day(datetime(2026, 12, 23, 15, 0, tzinfo=HELSINKI), 1) == (
        datetime(2026, 12, 29, 23, 59, 59, 999_999, tzinfo=HELSINKI)
    )


def test_the_finnish_calendar_is_shared() -> None:
    assert finnish_calendar() is finnish_calendar()
    assert finnish_calendar().add_working_days(date(2026, 6, 18), 1) == date(2026, 6, 22)
