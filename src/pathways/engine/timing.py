"""Engine time: one clock for us and SpiffWorkflow, and ISO 8601 durations and dates.

SpiffWorkflow decides whether a timer is due by reading the system clock inside
every `do_engine_steps()`. Routing that through `pathways.clock` makes one clock decide
everywhere, so a frozen test clock and production agree on what is due.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from pathways import clock


class _ClockDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Any:
        moment = clock.now()
        return moment.astimezone(tz) if tz is not None else moment.astimezone()


def install_engine_clock() -> None:
    """Make SpiffWorkflow's timers read `pathways.clock` (idempotent)."""
    _timer.datetime = _ClockDatetime


def parse_duration(text: str) -> dict[str, float]:
    """The parts of an ISO 8601 duration such as P14D or P1Y2M; ValueError if not one."""
    if not isinstance(text, str) or not text.startswith("P") or text in ("P", "PT"):
        raise ValueError(f"not an ISO 8601 duration: {str(text)[:40]!r}")
    try:
        parts: dict[str, float] = TimerEventDefinition.parse_iso_duration(text)
    except Exception as error:  # noqa: BLE001 — SpiffWorkflow raises plain Exception here
        raise ValueError(f"not an ISO 8601 duration: {text[:40]!r}") from error
    return parts


def add_duration(start: datetime, text: str) -> datetime:
    """`start` plus an ISO 8601 duration, months and years by the calendar."""
    delta: timedelta = TimerEventDefinition.get_timedelta_from_start(parse_duration(text), start)
    return start + delta
