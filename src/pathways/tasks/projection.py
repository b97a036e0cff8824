"""Rewriting a case's task rows from an engine `Advance`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import clock, engine
from pathways.deadlines.service import due_at
from pathways.errors import InvalidData
from pathways.organisation_kinds import kind_for_lane
from pathways.people.models import Organisation
from pathways.tasks.models import Task, TaskState


def project_tasks(
    session: Session,
    *,
    instance_id: int,
    team: dict[str, str],
    advance: engine.Advance,
    completed_by: int | None,
) -> list[Task]:
    """Close what the engine finished or dropped, open what it made ready; return new rows."""
    now = clock.now()
    rows = {
        row.spiff_task_id: row
        for row in session.scalars(
            select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.OPEN)
        )
    }
    for spiff_id in advance.completed:
        if (row := rows.get(spiff_id)) is not None:
            row.state, row.completed_at, row.completed_by_id = (
                TaskState.COMPLETED,
                now,
                completed_by,
            )
    for spiff_id in advance.cancelled:
        if (row := rows.get(spiff_id)) is not None:
            row.state, row.completed_at = TaskState.CANCELLED, now
    new = [t for t in advance.open_tasks if t.spiff_id not in rows]
    organisations = _organisations(session, team) if new else {}
    created = [_row(instance_id, t, organisations, advance, now) for t in new]
    session.add_all(created)
    return created


def _row(
    instance_id: int,
    task: engine.OpenTask,
    organisations: dict[str, Organisation],
    advance: engine.Advance,
    now: datetime,
) -> Task:
    kind = kind_for_lane(task.lane)
    organisation = organisations.get(kind.value) if kind else None
    if organisation is None:
        raise InvalidData(
            f"step '{task.name}' is in lane '{task.lane}', and no organisation of the case team"
            " serves it"
        )
    return Task(
        spiff_task_id=task.spiff_id,
        instance_id=instance_id,
        bpmn_id=task.bpmn_id,
        name=task.name,
        documentation=task.documentation,
        lane=task.lane,
        organisation=organisation,
        state=TaskState.OPEN,
        form=task.form,
        ui_form=task.ui_form,
        created_at=now,
        due_at=due_at(task, advance.timers, now),
    )


def _organisations(session: Session, team: dict[str, str]) -> dict[str, Organisation]:
    found = session.scalars(select(Organisation).where(Organisation.code.in_(team.values())))
    by_code = {o.code: o for o in found}
    return {kind: by_code[code] for kind, code in team.items() if code in by_code}
