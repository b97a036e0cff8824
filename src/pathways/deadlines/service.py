"""Keeping timer rows in step with the engine, and computing when a task is due."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, bindparam, insert, literal, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from pathways import clock, engine
from pathways.calendar import WorkingCalendar, finnish_calendar
from pathways.db.base import UTCDateTime, table_of
from pathways.deadlines.models import Timer, TimerState


def project_timers(session: Session, *, instance_id: int, advance: engine.Advance) -> None:
    """Mark fired and stopped timers, move cycles on, write new ones as waiting."""
    now = clock.now()
    _mark_fired(session, instance_id, advance.fired_timers, now)
    _finish(session, instance_id, advance.stopped_timers, state=TimerState.CANCELLED)
    started = {timer.spiff_id for timer in advance.started_timers}
    timers = table_of(Timer)
    moved = [
        {"key": timer.spiff_id, "due": timer.due_at}
        for timer in advance.timers
        if timer.kind == "cycle" and timer.spiff_id not in started
    ]
    if moved:  # cycles moved on: one UPDATE by key, executed for many
        session.execute(
            update(timers)
            .where(
                timers.c.instance_id == instance_id,
                timers.c.spiff_task_id == bindparam("key"),
            )
            .values(due_at=bindparam("due")),
            moved,
        )
    if advance.started_timers:  # one multi-row INSERT; nothing for the unit of work
        session.execute(
            insert(timers),
            [
                {
                    "instance_id": instance_id,
                    "spiff_task_id": timer.spiff_id,
                    "bpmn_id": timer.bpmn_id,
                    "attached_to": timer.attached_to,
                    "kind": timer.kind,
                    "due_at": timer.due_at,
                    "state": TimerState.WAITING,
                    "attempts": 0,
                }
                for timer in advance.started_timers
            ],
        )


def _mark_fired(
    session: Session, instance_id: int, spiff_ids: Collection[str], now: datetime
) -> None:
    """Fired, with when and how late; the lease stays for the poller to check and release."""
    if not spiff_ids:
        return
    moment = literal(now, UTCDateTime())
    timers = table_of(Timer).c
    session.execute(
        update(table_of(Timer))
        .where(
            timers.instance_id == instance_id,
            timers.spiff_task_id.in_(spiff_ids),
            timers.state == TimerState.WAITING,
        )
        .values(
            state=TimerState.FIRED,
            fired_at=now,
            lateness_seconds=_SecondsBetween(timers.due_at, moment),
        )
    )


class _SecondsBetween(FunctionElement[float]):
    """Seconds from the first timestamp to the second, in SQL: one statement, not two."""

    type = Float()
    inherit_cache = True

    def __init__(self, start: ColumnElement[Any] | Any, end: ColumnElement[Any]) -> None:
        super().__init__(start, end)


@compiles(_SecondsBetween, "postgresql")
def _seconds_postgresql(element: _SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))::float8"


@compiles(_SecondsBetween)
def _seconds_sqlite(element: _SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    # julianday() is a double: good to a few microseconds, plenty for lateness.
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def _finish(
    session: Session, instance_id: int, spiff_ids: Collection[str], **values: object
) -> None:
    if spiff_ids:
        session.execute(
            _FINISH.values(values), {"instance": instance_id, "spiff_ids": list(spiff_ids)}
        )


_TIMERS = table_of(Timer)
_FINISH = update(_TIMERS).where(
    _TIMERS.c.instance_id == bindparam("instance"),
    _TIMERS.c.spiff_task_id.in_(bindparam("spiff_ids", expanding=True)),
    _TIMERS.c.state == TimerState.WAITING,
)


def due_at(
    task: engine.OpenTask,
    timers: Sequence[engine.WaitingTimer],
    now: datetime,
    calendar: WorkingCalendar | None = None,
) -> datetime | None:
    """The earliest of the timers attached to the task and its own due properties.

    `dueInWorkingDays` counts in `calendar` (the organisation's; default: public holidays)
    and ends at the end of its last working day in Helsinki (23:59:59.999999): a step
    due in N working days is late only once that day is over.
    """
    candidates = [timer.due_at for timer in timers if timer.attached_to == task.spiff_id]
    if task.due_in:
        candidates.append(engine.add_duration(now, task.due_in))
    if task.due_in_working_days is not None:
        working = calendar or finnish_calendar()
        candidates.append(working.end_of_working_day(now, task.due_in_working_days))
    return min(candidates, default=None)


def timers_of(session: Session, instance_id: int) -> Sequence[Timer]:
    return session.scalars(
        select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at)
    ).all()
