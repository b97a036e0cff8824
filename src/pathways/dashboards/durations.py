"""How long steps take: median and 90th percentile from opening to completion, by step,
against the time the step allows (due date minus opening)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from pathways.cases.models import ProcessInstance
from pathways.dashboards.filters import DashboardFilter, conditions
from pathways.dashboards.sql import percentiles, seconds_between
from pathways.people.actors import Actor
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.tasks.models import Task, TaskState

_KEYS = ["model_id", "step", "step_name"]


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
    session: Session, *, actor: Actor, filters: DashboardFilter
) -> list[StepDuration]:
    where = [
        Task.state == TaskState.COMPLETED,
        Task.completed_at.is_not(None),
        *conditions(session, actor=actor, where=filters),
    ]
    taken = _completed(seconds_between(Task.created_at, Task.completed_at), where)
    allowed = _completed(
        seconds_between(Task.created_at, Task.due_at), [*where, Task.due_at.is_not(None)]
    )
    spread = percentiles(taken, _KEYS, "seconds", {"median": 50, "p90": 90}).subquery()
    deadline = percentiles(allowed, _KEYS, "seconds", {"median": 50}).subquery()
    late = (
        _grouped(where)
        .add_columns(func.count(case((Task.completed_at > Task.due_at, 1))).label("late"))
        .subquery()
    )
    rows = session.execute(
        select(
            ProcessModel.key,
            spread.c.step,
            spread.c.step_name,
            spread.c.count,
            spread.c.median,
            spread.c.p90,
            deadline.c.median,
            late.c.late,
        )
        .join(ProcessModel, ProcessModel.id == spread.c.model_id)
        .join(late, _same(spread, late))
        .outerjoin(deadline, _same(spread, deadline))
        .order_by(ProcessModel.key, spread.c.step, spread.c.step_name)
    )
    return [StepDuration(*row) for row in rows]


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


def _completed(seconds: ColumnElement[float], where: list[ColumnElement[bool]]) -> Any:
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
