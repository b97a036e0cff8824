"""How long steps take: median and 90th percentile from opening to completion, by step,
against the time the step allows (due date minus opening).

PostgreSQL answers in one aggregate pass (`percentile_disc`); SQLite ranks rows with
window functions, one ranking per measure. `sql.py` says why both agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from pathways.cases.models import ProcessInstance
from pathways.dashboards.filters import DashboardFilter, conditions
from pathways.dashboards.sql import percentile, percentiles, seconds_between
from pathways.people.actors import Actor
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.tasks.models import Task, TaskState

_KEYS = ["model_id", "step", "step_name"]
_TAKEN = seconds_between(Task.created_at, Task.completed_at)
_ALLOWED = seconds_between(Task.created_at, Task.due_at)
_LATE = func.count(case((Task.completed_at > Task.due_at, 1)))


@dataclass(frozen=True)
class StepDuration:
    """Completed tasks of one step. `allowed_seconds` is the median time its deadline gave."""

    model: str
    step: str
    step_name: str
    completed: int
    median_seconds: float
    p90_seconds: float
    allowed_seconds: float | None
    late: int


def step_durations(
    session: Session,
    *,
    actor: Actor,
    filters: DashboardFilter,
    completed_after: datetime | None = None,
) -> list[StepDuration]:
    """Per pathway and step; `completed_after` bounds the work to a recent period."""
    where = [
        Task.state == TaskState.COMPLETED,
        Task.completed_at.is_not(None),
        *conditions(session, actor=actor, where=filters),
    ]
    if completed_after is not None:
        where.append(Task.completed_at >= completed_after)
    if session.get_bind().dialect.name == "postgresql":
        grouped = _aggregated(where)
    else:
        grouped = _ranked(where)
    rows = session.execute(
        select(
            ProcessModel.key,
            grouped.c.step,
            grouped.c.step_name,
            grouped.c.count,
            grouped.c.median,
            grouped.c.p90,
            grouped.c.allowed,
            grouped.c.late,
        )
        .join(ProcessModel, ProcessModel.id == grouped.c.model_id)
        .order_by(ProcessModel.key, grouped.c.step, grouped.c.step_name)
    )
    return [StepDuration(*row) for row in rows]


def _aggregated(where: list[ColumnElement[bool]]) -> Any:
    # percentile_disc skips NULLs, so steps without a deadline simply have none.
    return (
        _grouped(where)
        .add_columns(
            func.count().label("count"),
            percentile(_TAKEN, 50).label("median"),
            percentile(_TAKEN, 90).label("p90"),
            percentile(_ALLOWED, 50).label("allowed"),
            _LATE.label("late"),
        )
        .subquery()
    )


def _ranked(where: list[ColumnElement[bool]]) -> Any:
    taken = _measured(_TAKEN, where)
    allowed = _measured(_ALLOWED, [*where, Task.due_at.is_not(None)])
    spread = percentiles(taken, _KEYS, "seconds", {"median": 50, "p90": 90}, dialect="sqlite")
    deadline = percentiles(allowed, _KEYS, "seconds", {"allowed": 50}, dialect="sqlite")
    spread_q, deadline_q = spread.subquery(), deadline.subquery()
    late = _grouped(where).add_columns(_LATE.label("late")).subquery()
    return (
        select(
            spread_q.c.model_id,
            spread_q.c.step,
            spread_q.c.step_name,
            spread_q.c.count,
            spread_q.c.median,
            spread_q.c.p90,
            deadline_q.c.allowed,
            late.c.late,
        )
        .join(late, _same(spread_q, late))
        .outerjoin(deadline_q, _same(spread_q, deadline_q))
        .subquery()
    )


def _grouped(where: list[ColumnElement[bool]]) -> Select[int, str, str]:
    return (
        select(
            ProcessVersion.model_id.label("model_id"),
            Task.bpmn_id.label("step"),
            Task.name.label("step_name"),
        )
        .select_from(Task)
        .join(ProcessInstance, Task.instance_id == ProcessInstance.id)
        .join(ProcessVersion, ProcessInstance.version_id == ProcessVersion.id)
        .where(*where)
        .group_by(ProcessVersion.model_id, Task.bpmn_id, Task.name)
    )


def _measured(seconds: ColumnElement[float], where: list[ColumnElement[bool]]) -> Any:
    return (
        select(
            ProcessVersion.model_id.label("model_id"),
            Task.bpmn_id.label("step"),
            Task.name.label("step_name"),
            seconds.label("seconds"),
        )
        .select_from(Task)
        .join(ProcessInstance, Task.instance_id == ProcessInstance.id)
        .join(ProcessVersion, ProcessInstance.version_id == ProcessVersion.id)
        .where(*where)
        .subquery()
    )


def _same(left: Any, right: Any) -> ColumnElement[bool]:
    same: ColumnElement[bool] = (
        (left.c.model_id == right.c.model_id)
        & (left.c.step == right.c.step)
        & (left.c.step_name == right.c.step_name)
    )
    return same
