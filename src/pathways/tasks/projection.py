"""Rewriting a case's task rows from an engine `Advance`: only what changed is written."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from pathways import clock, engine
from pathways.db.base import table_of
from pathways.deadlines.calendars import calendar_for
from pathways.deadlines.service import due_at
from pathways.errors import InvalidData
from pathways.organisation_kinds import kind_for_lane
from pathways.people import directory
from pathways.people.models import Organisation
from pathways.tasks import counts
from pathways.tasks.models import Task, TaskState


def project_tasks(
    session: Session,
    *,
    instance_id: int,
    model_id: int,
    team: dict[str, str],
    advance: engine.Advance,
    completed_by: int | None,
    closed_days: Collection[date] = (),
    directory_stamp: str | None = None,
) -> list[Task]:
    """Close what the engine finished or dropped, open what it made ready; return new rows.

    The kept counts change with the rows. `closed_days` are closed for every
    organisation (settings); working-day deadlines also skip the days the task's own
    organisation is closed. `directory_stamp`, if the caller's transaction read it
    already, saves reading it again for the team's cached organisations.
    """
    now = clock.now()
    changes = counts.Changes()
    _close(
        session,
        instance_id,
        advance.completed,
        state=TaskState.COMPLETED,
        now=now,
        counted=(model_id, changes),
        completed_by_id=completed_by,
    )
    _close(
        session,
        instance_id,
        advance.cancelled,
        state=TaskState.CANCELLED,
        now=now,
        counted=(model_id, changes),
    )
    organisations = _organisations(session, team, directory_stamp) if advance.opened else {}
    created = [
        _row(session, instance_id, task, organisations, advance, now, closed_days)
        for task in advance.opened
    ]
    _insert(session, created)
    for row in created:
        _count(changes, model_id, row.organisation_id, row.bpmn_id, row.name, row.due_at, +1)
    counts.record(session, changes)
    return created


_COLUMNS = [c.key for c in table_of(Task).columns if c.key != "id"]
_INSERT = insert(table_of(Task)).returning(table_of(Task).c.id, sort_by_parameter_order=True)


def _insert(session: Session, created: list[Task]) -> None:
    """One multi-row INSERT … RETURNING for the new rows, then the objects join the session
    as loaded rows: no unit-of-work flush on the hot path."""
    if not created:
        return
    ids = session.execute(
        _INSERT, [{name: getattr(row, name) for name in _COLUMNS} for row in created]
    ).scalars()
    for row, task_id in zip(created, ids, strict=True):
        row.id = task_id
        make_transient_to_detached(row)
        session.add(row)


def _count(
    changes: counts.Changes,
    model_id: int,
    organisation_id: int | None,
    step: str,
    step_name: str,
    due_at: datetime | None,
    n: int,
) -> None:
    key = counts.key_of(organisation_id, model_id, step, step_name, due_at)
    if key is not None:
        changes[key] += n


def _close(
    session: Session,
    instance_id: int,
    spiff_ids: Collection[str],
    *,
    state: TaskState,
    now: datetime,
    counted: tuple[int, counts.Changes],
    completed_by_id: int | None = None,
) -> None:
    if not spiff_ids:
        return
    values: dict[str, object] = {"state": state, "completed_at": now}
    if state == TaskState.COMPLETED:
        values["completed_by_id"] = completed_by_id
    # A Core statement built once: the ORM's bulk update would re-evaluate its criteria
    # against every object in the session, which costs more than the update itself.
    statement = _COMPLETE if state == TaskState.COMPLETED else _CANCEL
    closed = session.execute(
        statement, {"instance": instance_id, "spiff_ids": list(spiff_ids), **values}
    ).all()
    model_id, changes = counted
    for row in closed:
        _count(changes, model_id, row.organisation_id, row.bpmn_id, row.name, row.due_at, -1)
    _sync_loaded(session, instance_id, spiff_ids, values)


def _closing(*names: str) -> Any:
    table = table_of(Task)
    return (
        update(table)
        .where(
            table.c.instance_id == bindparam("instance"),
            table.c.spiff_task_id.in_(bindparam("spiff_ids", expanding=True)),
            table.c.state == TaskState.OPEN,
        )
        .values({name: bindparam(name) for name in names})
        .returning(table.c.organisation_id, table.c.bpmn_id, table.c.name, table.c.due_at)
    )


_COMPLETE = _closing("state", "completed_at", "completed_by_id")
_CANCEL = _closing("state", "completed_at")


def _sync_loaded(
    session: Session, instance_id: int, spiff_ids: Collection[str], values: dict[str, object]
) -> None:
    """Bring task objects this session already holds in line with the update."""
    for held in list(session.identity_map.values()):
        if (
            isinstance(held, Task)
            and held.instance_id == instance_id
            and held.spiff_task_id in spiff_ids
            and held.state == TaskState.OPEN
        ):
            for name, value in values.items():
                set_committed_value(held, name, value)
            if "completed_by_id" in values:
                session.expire(held, ["completed_by"])


def _row(
    session: Session,
    instance_id: int,
    task: engine.OpenTask,
    organisations: dict[str, Organisation],
    advance: engine.Advance,
    now: datetime,
    closed_days: Collection[date],
) -> Task:
    kind = kind_for_lane(task.lane)
    organisation = organisations.get(kind.value) if kind else None
    if organisation is None:
        raise InvalidData(
            f"step {task.bpmn_id[:64]} is in a lane that no organisation of the case team serves"
        )
    calendar = None
    if task.due_in_working_days is not None:
        calendar = calendar_for(session, organisation_id=organisation.id, everywhere=closed_days)
    return Task(
        spiff_task_id=task.spiff_id,
        instance_id=instance_id,
        bpmn_id=task.bpmn_id,
        name=task.name,
        documentation=task.documentation,
        lane=task.lane,
        organisation_id=organisation.id,
        organisation=organisation,
        state=TaskState.OPEN,
        assignee_id=None,
        assignee=None,
        completed_at=None,
        completed_by_id=None,
        completed_by=None,
        form=task.form,
        ui_form=task.ui_form,
        created_at=now,
        due_at=due_at(task, advance.timers, now, calendar),
    )


def reopen_row(
    session: Session,
    row: Task,
    advance: engine.Advance,
    *,
    model_id: int,
    assignee_id: int | None,
    closed_days: Collection[date] = (),
) -> None:
    """A completed step the engine made ready again keeps its row: open it in place, due
    afresh as if it had just been opened."""
    (task,) = [t for t in advance.opened if t.spiff_id == row.spiff_task_id]
    calendar = None
    if task.due_in_working_days is not None and row.organisation_id is not None:
        calendar = calendar_for(
            session, organisation_id=row.organisation_id, everywhere=closed_days
        )
    row.state, row.completed_at, row.completed_by_id = TaskState.OPEN, None, None
    row.assignee_id = assignee_id
    row.due_at = due_at(task, advance.timers, clock.now(), calendar)
    changes = counts.Changes()
    _count(changes, model_id, row.organisation_id, row.bpmn_id, row.name, row.due_at, +1)
    counts.record(session, changes)


def _organisations(
    session: Session, team: dict[str, str], stamp: str | None = None
) -> dict[str, Organisation]:
    """The team's organisations by kind, from this process's cache while it is current."""
    by_code = directory.organisations(session, team.values(), stamp=stamp)
    return {kind: by_code[code] for kind, code in team.items() if code in by_code}


def refresh_open_tasks(
    session: Session,
    *,
    instance_id: int,
    model_id: int,
    team: dict[str, str],
    advance: engine.Advance,
) -> None:
    """Bring rows of tasks that stayed open up to date with their (new) element.

    After a case moves to another version, a task that stays open keeps its row and its
    due time, but takes the new version's name, form, documentation and lane.
    """
    kept = {t.spiff_id: t for t in advance.open_tasks if t not in advance.opened}
    if not kept:
        return
    rows = session.scalars(
        select(Task).where(
            Task.instance_id == instance_id,
            Task.spiff_task_id.in_(kept),
            Task.state == TaskState.OPEN,
        )
    )
    organisations = _organisations(session, team)
    changes = counts.Changes()
    for row in rows:
        _count(changes, model_id, row.organisation_id, row.bpmn_id, row.name, row.due_at, -1)
        _refresh(row, kept[row.spiff_task_id], organisations)
        _count(changes, model_id, row.organisation_id, row.bpmn_id, row.name, row.due_at, +1)
    counts.record(session, changes)


def _refresh(row: Task, task: engine.OpenTask, organisations: dict[str, Organisation]) -> None:
    row.bpmn_id, row.name, row.documentation = task.bpmn_id, task.name, task.documentation
    row.form, row.ui_form = task.form, task.ui_form
    if task.lane != row.lane:
        kind = kind_for_lane(task.lane)
        organisation = organisations.get(kind.value) if kind else None
        if organisation is None:
            raise InvalidData(
                f"step {task.bpmn_id[:64]} moves to a lane that no organisation of the"
                " case team serves"
            )
        row.lane, row.organisation = task.lane, organisation
        row.organisation_id = organisation.id
