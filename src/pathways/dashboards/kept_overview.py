"""The overview's figures from the kept counts, exact at the moment they are read.

The kept counts (`tasks/counts.py`) give each due day's open tasks. A day that `now` or
the end of the at-risk window cuts holds tasks of two standings; its parts are told
apart by counting task rows, but only the shorter parts: the longest part of each cut
day is the day's kept count less its other parts. Counting a few hours of deadlines
instead of two whole days reads a quarter of the rows on average (at most half), each
an index-only range. Kept counts and parts are read in one statement, so PostgreSQL
sees them in one snapshot and the subtraction is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from pathways.cases.models import ProcessInstance
from pathways.dashboards.filters import IS_OPEN, DashboardFilter, conditions
from pathways.people.actors import Actor
from pathways.processes.models import ProcessVersion
from pathways.tasks import counts
from pathways.tasks.models import Task, TaskCount

Key = tuple[int, int, str, str]  # organisation id, model id, step, step name
Figures = dict[Key, list[int]]  # open, at risk, overdue
OPEN, AT_RISK, OVERDUE = "open", "at_risk", "overdue"


@dataclass(frozen=True)
class Part:
    """Deadlines in [start, end) of one cut day, all of one standing."""

    day: int  # which cut day (0 or 1)
    start: datetime
    end: datetime
    standing: str


def figures(
    session: Session,
    *,
    kept_where: list[ColumnElement[bool]],
    actor: Actor,
    filters: DashboardFilter,
    now: datetime,
    window: timedelta,
) -> Figures:
    """Open, at-risk and overdue tasks by key (organisation and model ids, step, name)."""
    soon = now + window
    days = sorted({_day(now), _day(soon)})
    parts = [part for n, day in enumerate(days) for part in cut(n, day, now, soon)]
    counted = _counted(parts)
    task_where = conditions(session, actor=actor, where=filters)
    statement: CompoundSelect[Any] = union_all(
        _kept(days, kept_where),
        *[_part_rows(i, parts[i], task_where) for i in counted],
    )
    found: dict[Key, Sums] = {}
    for organisation_id, model_id, step, step_name, tag, *numbers in session.execute(statement):
        if organisation_id is None:  # tasks no organisation serves are not listed
            continue
        sums = found.setdefault((organisation_id, model_id, step, step_name), Sums())
        if tag == KEPT:
            sums.kept = [int(n) for n in numbers]
        else:
            sums.parts[tag] = int(numbers[0])
    return {key: _split(sums, parts, counted) for key, sums in found.items()}


KEPT = -1  # the tag of the kept counts' row; a part's row is tagged with the part's index


@dataclass
class Sums:
    """One key's rows: kept (open, at risk, overdue on whole days, then each cut day's
    open) and the counted parts' open tasks by part."""

    kept: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    parts: dict[int, int] = field(default_factory=dict)


def cut(n: int, day: date, now: datetime, soon: datetime) -> list[Part]:
    """The parts of one day that `now` and `soon` cut, each with its standing."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    end = start + timedelta(days=1)
    edges = [start, *sorted({c for c in (now, soon) if start < c < end}), end]
    return [Part(n, a, b, _standing(a, now, soon)) for a, b in pairwise(edges)]


def _standing(start: datetime, now: datetime, soon: datetime) -> str:
    # `now` and `soon` are edges, so a part lies wholly before, between or after them.
    if start < now:
        return OVERDUE
    return AT_RISK if start < soon else OPEN


def _counted(parts: list[Part]) -> list[int]:
    """Indexes of the parts counted from task rows: all but each day's longest."""
    longest: dict[int, int] = {}
    for i, part in enumerate(parts):
        if part.day not in longest or _length(part) > _length(parts[longest[part.day]]):
            longest[part.day] = i
    return [i for i in range(len(parts)) if i not in longest.values()]


def _length(part: Part) -> timedelta:
    return part.end - part.start


def _day(moment: datetime) -> date:
    found = counts.due_day(moment)
    assert found is not None  # noqa: S101 (a moment has a day)
    return found


def _kept(days: list[date], where: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """Kept counts by key: whole days by standing, and each cut day's open tasks."""
    today, last = days[0], days[-1]
    kept = TaskCount
    whole = kept.due_on.is_(None) | kept.due_on.not_in(days)
    return (
        select(
            *_KEPT_KEY,
            literal(KEPT),
            func.sum(case((whole, kept.open), else_=0)),
            func.sum(case(((kept.due_on > today) & (kept.due_on < last), kept.open), else_=0)),
            func.sum(case((kept.due_on < today, kept.open), else_=0)),
            func.sum(case((kept.due_on == today, kept.open), else_=0)),
            func.sum(case(((kept.due_on == last) & (kept.due_on != today), kept.open), else_=0)),
        )
        .where(*where)
        .group_by(*_KEPT_KEY)
    )


_KEPT_KEY = (TaskCount.organisation_id, TaskCount.model_id, TaskCount.step, TaskCount.step_name)


def _part_rows(i: int, part: Part, where: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """Open tasks due within one part, by key: a range of the covering index."""
    return (
        select(
            Task.organisation_id,
            ProcessVersion.model_id,
            Task.bpmn_id,
            Task.name,
            literal(i),
            func.count(),
            *[literal(0)] * 4,
        )
        .select_from(Task)
        .join(ProcessInstance, Task.instance_id == ProcessInstance.id)
        .join(ProcessVersion, ProcessInstance.version_id == ProcessVersion.id)
        .where(IS_OPEN, Task.due_at >= part.start, Task.due_at < part.end, *where)
        .group_by(Task.organisation_id, ProcessVersion.model_id, Task.bpmn_id, Task.name)
    )


def _split(sums: Sums, parts: list[Part], counted: list[int]) -> list[int]:
    open_, at_risk, overdue, *day_open = sums.kept
    numbers = [open_ - at_risk - overdue, 0, 0]
    _add(numbers, AT_RISK, at_risk)
    _add(numbers, OVERDUE, overdue)
    rest = day_open[:]
    for i in counted:
        n = sums.parts.get(i, 0)
        rest[parts[i].day] -= n
        _add(numbers, parts[i].standing, n)
    for i, part in enumerate(parts):
        if i not in counted:  # the day's longest part: what its other parts leave
            _add(numbers, part.standing, rest[part.day])
    return numbers


def _add(numbers: list[int], standing: str, n: int) -> None:
    numbers[0] += n
    if standing == AT_RISK:
        numbers[1] += n
    elif standing == OVERDUE:
        numbers[2] += n
