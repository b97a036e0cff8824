"""A task's standing against its deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pathways.deadlines.status import DeadlineStatus, status_of

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
WINDOW = timedelta(hours=48)


def standing(due_at, is_open=True):
    return status_of(due_at=due_at, is_open=is_open, now=NOW, window=WINDOW)


def test_a_task_without_a_due_date_has_no_deadline():
    assert standing(None) == DeadlineStatus.NONE


def test_a_closed_task_is_never_overdue():
    assert standing(NOW - timedelta(days=9), is_open=False) == DeadlineStatus.NONE


def test_a_task_due_later_than_the_window_is_open():
    assert standing(NOW + WINDOW) == DeadlineStatus.OPEN


def test_a_task_due_inside_the_window_is_at_risk():
    assert standing(NOW + WINDOW - timedelta(seconds=1)) == DeadlineStatus.AT_RISK


def test_a_task_past_its_due_time_is_overdue():
    assert standing(NOW - timedelta(seconds=1)) == DeadlineStatus.OVERDUE
