"""Notes on a case or on one of its steps, with the same visibility rules as the record."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pathways import clock
from pathways.audit import service as audit
from pathways.cases.models import ProcessInstance
from pathways.errors import InvalidData, NotFound, NotPermitted
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.record import visibility
from pathways.record.models import Note
from pathways.record.service import consents_of, visible_tasks
from pathways.record.sharing import unknown_kind
from pathways.tasks.models import Task

MAX_TEXT = 4000


def write(
    session: Session,
    *,
    instance: ProcessInstance,
    text: str,
    share: Sequence[str],
    actor: Actor,
    task_id: int | None = None,
) -> Note:
    """A caseworker or manager of an organisation serving the case writes a note on it,
    or on one of the steps they see."""
    permissions.require_case_reader(actor, instance)
    reader = visibility.reader_of(actor)
    if reader is None or reader.organisation_id is None:
        raise NotPermitted("notes are written by caseworkers and managers of the case team")
    task = _step(session, instance, task_id, actor) if task_id is not None else None
    _check(text, share)
    note = Note(
        instance_id=instance.id,
        task_id=task.id if task else None,
        organisation_id=reader.organisation_id,
        written_by=actor.login,
        written_at=clock.now(),
        text=text.strip(),
        share=sorted(set(share)),
    )
    session.add(note)
    session.flush()
    audit.record(
        session,
        actor=actor.login,
        action="note.written",
        instance_id=instance.id,
        task_id=note.task_id,
        details={"note": note.id, "share": note.share},
    )
    return note


def _step(session: Session, instance: ProcessInstance, task_id: int, actor: Actor) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.instance_id != instance.id:
        raise NotFound(f"no step {task_id} in case {instance.id}")
    if task not in visible_tasks(session, actor=actor, instance=instance, tasks=[task]):
        raise NotFound(f"no step {task_id} in case {instance.id}")
    return task


def _check(text: str, share: Sequence[str]) -> None:
    if not text.strip() or len(text) > MAX_TEXT:
        raise InvalidData(f"a note is 1-{MAX_TEXT} characters")
    wrong = unknown_kind(list(share))
    if wrong is not None:
        raise InvalidData("share names organisation kinds or team")


def readable(
    session: Session,
    *,
    instance: ProcessInstance,
    actor: Actor,
    purpose: str,
    task_id: int | None = None,
) -> list[Note]:
    """The case's notes (or one step's) the actor may read, oldest first; the read is audited."""
    permissions.require_case_reader(actor, instance)
    reader = visibility.reader_of(actor)
    query = (
        select(Note)
        .options(joinedload(Note.task), joinedload(Note.organisation))
        .where(Note.instance_id == instance.id)
        .order_by(Note.id)
    )
    if task_id is not None:
        query = query.where(Note.task_id == task_id)
    consents = consents_of(session, instance.id)
    shown = [
        n
        for n in session.scalars(query).all()
        if reader is not None and visibility.may_read_note(reader, n, instance, consents)
    ]
    audit.record(
        session,
        actor=actor.login,
        action="note.read",
        instance_id=instance.id,
        task_id=task_id,
        details={"purpose": purpose[:200], "notes": [n.id for n in shown]},
    )
    return shown
