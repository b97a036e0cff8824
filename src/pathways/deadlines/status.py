"""Where an open task stands against its deadline: open, at risk or overdue.

One definition for lists, pages, dashboards and metrics. The warning window comes
from settings (`PATHWAYS_DEADLINES__AT_RISK_HOURS`), never from a model.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class DeadlineStatus(StrEnum):
    NONE = "none"  # no due date, or the task is no longer open
    OPEN = "open"  # due, but not yet inside the warning window
    AT_RISK = "at_risk"  # due within the warning window
    OVERDUE = "overdue"  # past its due time


def status_of(
    *, due_at: datetime | None, is_open: bool, now: datetime, window: timedelta
) -> DeadlineStatus:
    if not is_open or due_at is None:
        return DeadlineStatus.NONE
    if due_at < now:
        return DeadlineStatus.OVERDUE
    if due_at < now + window:
        return DeadlineStatus.AT_RISK
    return DeadlineStatus.OPEN
