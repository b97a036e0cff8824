"""Keeping timer rows in step with the engine, and computing when a task is due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import clock, engine
from pathways.calendar import finnish_calendar
from pathways.deadlines.models import Timer, TimerState


def project_timers(session: Session, *, instance_id: int, advance: engine.Advance) -> None:
    """Fired timers are marked fired, vanished ones cancelled, new ones written as waiting."""
    now = clock.now()
    rows = {
        row.spiff_task_id: row
        for row in session.scalars(
            select(Timer).where(Timer.instance_id == instance_id, Timer.state == TimerState.WAITING)
        )
    }
    waiting = {timer.spiff_id: timer for timer in advance.timers}
    for spiff_id, row in rows.items():
        if spiff_id in waiting:
            row.due_at = waiting[spiff_id].due_at  # a cycle moves on to its next due time
        elif spiff_id in advance.fired_timers:
            row.state, row.fired_at = TimerState.FIRED, now
        else:
            row.state = TimerState.CANCELLED
    for spiff_id, timer in waiting.items():
        if spiff_id not in rows:
            session.add(
                Timer(
                    instance_id=instance_id,
                    spiff_task_id=spiff_id,
                    bpmn_id=timer.bpmn_id,
                    attached_to=timer.attached_to,
                    kind=timer.kind,
                    due_at=timer.due_at,
                    state=TimerState.WAITING,
                    attempts=0,
                )
            )


def due_at(
    task: engine.OpenTask, timers: Sequence[engine.WaitingTimer], now: datetime
) -> datetime | None:
    """The earliest of the timers attached to the task and its own due properties."""
    candidates = [timer.due_at for timer in timers if timer.attached_to == task.spiff_id]
    if task.due_in:
        candidates.append(engine.add_duration(now, task.due_in))
    if task.due_in_working_days is not None:
        candidates.append(finnish_calendar().working_days_after(now, task.due_in_working_days))
    return min(candidates, default=None)


def timers_of(session: Session, instance_id: int) -> Sequence[Timer]:
    return session.scalars(
        select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at)
    ).all()
