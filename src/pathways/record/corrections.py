"""Correcting a completed step's answers, keeping the earlier values.

The rule: the organisation that recorded a step may correct it, with a reason, while
- the case is still running,
- no step opened after it has been completed (the steps it handed the case to, and all
  that came later, have not acted on the answers yet), and
- no corrected field is read by a condition, script or timer expression of the model:
  the engine has already acted on those values, so a correction would make the record
  disagree with the path the case took.
The correction changes the record, which people read; the engine's copy of the data
is left as it was (nothing in the model reads the fields a correction may change).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import clock, engine
from pathways.audit import service as audit
from pathways.cases.models import InstanceState, ProcessInstance
from pathways.errors import Conflict, InvalidData, NotFound
from pathways.forms.service import validate_submission
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.record.models import RecordCorrection, RecordEntry
from pathways.tasks.models import Task, TaskState

_MAX_REASON = 1000


def correct(
    session: Session,
    *,
    task: Task,
    instance: ProcessInstance,
    changes: dict[str, Any],
    reason: str,
    actor: Actor,
) -> RecordEntry:
    """Change some answers of a completed step; the earlier values stay in the history."""
    permissions.require_caseworker_of(actor, task.organisation_id)  # before revealing state
    entry = session.scalar(select(RecordEntry).where(RecordEntry.task_id == task.id))
    if entry is None:
        raise NotFound(f"step {task.id} has no recorded answers to correct")
    _check_request(changes, reason)
    _require_nothing_acted(session, task, instance, changes)
    merged = {**entry.data, **changes}
    merged = {k: v for k, v in merged.items() if v is not None}
    validate_submission(instance.version.forms.get(entry.form) or {}, merged)
    previous = {name: entry.data.get(name) for name in changes}
    entry.corrections.append(
        RecordCorrection(
            corrected_at=clock.now(), corrected_by=actor.login, reason=reason, previous=previous
        )
    )
    entry.data = merged
    audit.record(
        session,
        actor=actor.login,
        action="record.corrected",
        instance_id=instance.id,
        task_id=task.id,
        details={"fields": sorted(changes)},
    )
    return entry


def _check_request(changes: dict[str, Any], reason: str) -> None:
    if not changes:
        raise InvalidData("name at least one field to correct")
    if not reason.strip() or len(reason) > _MAX_REASON:
        raise InvalidData(f"give the reason for the correction (1-{_MAX_REASON} characters)")
    engine.check_incoming(changes)


def _require_nothing_acted(
    session: Session, task: Task, instance: ProcessInstance, changes: dict[str, Any]
) -> None:
    if task.state != TaskState.COMPLETED:
        raise Conflict(f"step {task.id} is {task.state}: only a completed step is corrected")
    if instance.state != InstanceState.RUNNING:
        raise Conflict(f"case {instance.id} is {instance.state}: its record is closed")
    later = session.scalar(
        select(Task.id).where(
            Task.instance_id == instance.id,
            Task.id > task.id,
            Task.state == TaskState.COMPLETED,
        )
    )
    if later is not None:
        raise Conflict("a later step has been completed since: the case has moved on")
    steering = sorted(set(changes) & engine.names_read(instance.version.spec))
    if steering:
        raise Conflict(
            f"field {steering[0]} steered the case (the model's conditions or scripts read it)"
        )
