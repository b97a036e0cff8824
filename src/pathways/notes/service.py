"""Writing notes and attachments on a case or step, and reading what the caller may see.

Every function checks the case first: a case the caller may not read, an attachment of
one, or one the caller may not see is "not found", so nothing reveals that it exists.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pathways import clock
from pathways.audit import service as audit
from pathways.cases.models import ProcessInstance
from pathways.errors import InvalidData, NotFound, NotPermitted, PathwaysError, PayloadTooLarge
from pathways.notes import sniffing, storage, visibility
from pathways.notes.models import Attachment, Note
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.people.models import Role, User
from pathways.record import service as record
from pathways.record.models import Consent
from pathways.settings import Settings
from pathways.tasks.models import Task

log = logging.getLogger("pathways.notes")
MAX_NOTE_CHARS = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")
_Item = TypeVar("_Item", Note, Attachment)


class AttachmentMissing(PathwaysError):
    """The row is there but its bytes are not in this replica's attachments folder."""

    status = 503
    title = "Attachment unavailable"


@dataclass(frozen=True)
class NewNote:
    text: str
    audience: Sequence[str] = ()
    task_id: int | None = None
    corrects_id: int | None = None


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    audience: Sequence[str] = ()
    task_id: int | None = None


@dataclass(frozen=True)
class Shelf:
    """The notes and attachments of a case (or one step) that the caller may see."""

    notes: list[Note] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def add_note(session: Session, *, instance_id: int, new: NewNote, actor: Actor) -> Note:
    """Write a note; a correction names an earlier note of the case the author can see."""
    instance = _readable_case(session, instance_id, actor)
    author = _require_author(actor)
    _require_step(session, instance, new.task_id)
    if new.corrects_id is not None:
        _visible_note(session, instance, new.corrects_id, actor)
    note = Note(
        instance_id=instance.id,
        task_id=new.task_id,
        author=author,
        organisation_id=author.organisation_id,
        audience=visibility.audience_of(new.audience),
        text=_note_text(new.text),
        corrects_id=new.corrects_id,
        created_at=clock.now(),
    )
    session.add(note)
    session.flush()
    audit.record(
        session,
        actor=actor.login,
        action="note.added",
        instance_id=instance.id,
        task_id=new.task_id,
        details={"note": note.id, "audience": note.audience, "corrects": new.corrects_id},
    )
    return note


def attach(
    session: Session, *, instance_id: int, upload: Upload, actor: Actor, settings: Settings
) -> Attachment:
    """Keep a file by its content hash; its type is what its bytes are, or it is refused."""
    instance = _readable_case(session, instance_id, actor)
    author = _require_author(actor)
    _require_step(session, instance, upload.task_id)
    limit = settings.attachments.max_bytes
    if len(upload.content) > limit:
        raise PayloadTooLarge(f"an attachment is at most {limit} bytes")
    if not upload.content:
        raise InvalidData("the file is empty")
    kind = sniffing.sniff(upload.content)
    filename = safe_filename(upload.filename)
    sniffing.check_name(filename, kind)
    audience = visibility.audience_of(upload.audience)
    sha256 = storage.store(settings.attachments_folder, upload.content)
    attachment = Attachment(
        instance_id=instance.id,
        task_id=upload.task_id,
        author=author,
        organisation_id=author.organisation_id,
        audience=audience,
        filename=filename,
        media_type=kind.media_type,
        size=len(upload.content),
        sha256=sha256,
        created_at=clock.now(),
    )
    session.add(attachment)
    session.flush()
    audit.record(
        session,
        actor=actor.login,
        action="attachment.added",
        instance_id=instance.id,
        task_id=upload.task_id,
        details={"attachment": attachment.id, "sha256": sha256, "audience": audience},
    )
    return attachment


def shelf(
    session: Session, *, instance_id: int, actor: Actor, purpose: str, task_id: int | None = None
) -> Shelf:
    """What the caller may see of the case's notes and attachments (one step's, if named).

    The read is audited with its purpose and the ids shown.
    """
    instance = _readable_case(session, instance_id, actor)
    if task_id is not None:
        _require_step(session, instance, task_id)
    case = _case_of(session, instance)
    notes = [n for n in _of_case(session, Note, instance.id, task_id) if _sees(actor, n, case)]
    files = [
        a for a in _of_case(session, Attachment, instance.id, task_id) if _sees(actor, a, case)
    ]
    audit.record(
        session,
        actor=actor.login,
        action="notes.read",
        instance_id=instance.id,
        task_id=task_id,
        details={
            "purpose": purpose[:200],
            "notes": [n.id for n in notes],
            "attachments": [a.id for a in files],
        },
    )
    return Shelf(notes, files)


def download(
    session: Session, *, attachment_id: int, actor: Actor, purpose: str, settings: Settings
) -> tuple[Attachment, bytes]:
    """The attachment and its bytes, for a caller who may see it; audited with the purpose."""
    attachment = session.get(Attachment, attachment_id)
    missing = NotFound(f"no attachment {attachment_id}")
    if attachment is None:
        raise missing
    try:
        instance = _readable_case(session, attachment.instance_id, actor)
    except NotFound:
        raise missing from None
    if not _sees(actor, attachment, _case_of(session, instance)):
        raise missing
    try:
        content = storage.read(settings.attachments_folder, attachment.sha256)
    except FileNotFoundError:
        log.error("attachment %s has no file in the attachments folder", attachment.id)
        raise AttachmentMissing("the attachment's file is not in the attachments folder") from None
    audit.record(
        session,
        actor=actor.login,
        action="attachment.read",
        instance_id=instance.id,
        task_id=attachment.task_id,
        details={"attachment": attachment.id, "purpose": purpose[:200]},
    )
    return attachment, content


def step_names(session: Session, instance_id: int) -> dict[int, str]:
    """The names of the case's steps, to say which step a note or file is on."""
    rows = session.execute(select(Task.id, Task.name).where(Task.instance_id == instance_id))
    return {row.id: row.name for row in rows}


def safe_filename(name: str) -> str:
    """The last path part, normalised, with only letters, digits, '.', '-', '_' and spaces."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")
    if len(cleaned) > 120:
        stem, dot, extension = cleaned.rpartition(".")
        cleaned = stem[: 119 - len(extension)] + dot + extension if dot else cleaned[:120]
    return cleaned or "attachment"


def _readable_case(session: Session, instance_id: int, actor: Actor) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"no case {instance_id}")
    try:
        permissions.require_case_reader(actor, instance)
    except NotPermitted:
        raise NotFound(f"no case {instance_id}") from None
    return instance


def _require_author(actor: Actor) -> User:
    user = actor.user
    if user is None or not (actor.has_role(Role.CASEWORKER) or actor.has_role(Role.MANAGER)):
        raise NotPermitted("notes and attachments are written by caseworkers and managers")
    return user


def _require_step(session: Session, instance: ProcessInstance, task_id: int | None) -> None:
    if task_id is None:
        return
    task = session.get(Task, task_id)
    if task is None or task.instance_id != instance.id:
        raise NotFound(f"no step {task_id} in case {instance.id}")


def _visible_note(session: Session, instance: ProcessInstance, note_id: int, actor: Actor) -> Note:
    note = session.get(Note, note_id)
    if (
        note is None
        or note.instance_id != instance.id
        or not _sees(actor, note, _case_of(session, instance))
    ):
        raise InvalidData("a correction names an earlier note of the same case")
    return note


def _note_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidData("a note needs some text")
    if len(cleaned) > MAX_NOTE_CHARS:
        raise InvalidData(f"a note is at most {MAX_NOTE_CHARS} characters")
    if _CONTROL.search(cleaned):
        raise InvalidData("a note may not contain control characters")
    return cleaned


def _steps_of(session: Session, instance_id: int) -> dict[int, _Step]:
    rows = session.execute(
        select(Task.id, Task.organisation_id, Task.bpmn_id).where(Task.instance_id == instance_id)
    ).all()
    return {row.id: _Step(row.organisation_id, row.bpmn_id) for row in rows}


@dataclass(frozen=True)
class _Step:
    organisation_id: int | None
    bpmn_id: str


@dataclass(frozen=True)
class _Case:
    """What the visibility rule needs of a case: its team, its steps and its consents."""

    team: dict[str, str]
    steps: dict[int, _Step]
    consents: Sequence[Consent]


def _case_of(session: Session, instance: ProcessInstance) -> _Case:
    return _Case(
        instance.team,
        _steps_of(session, instance.id),
        record.consents_of(session, instance.id),
    )


def _sees(actor: Actor, item: Note | Attachment, case: _Case) -> bool:
    return visibility.may_see(actor, item, team=case.team, steps=case.steps, consents=case.consents)


def _of_case(
    session: Session, model: type[_Item], instance_id: int, task_id: int | None
) -> Sequence[_Item]:
    query = (
        select(model)
        .options(joinedload(model.author), joinedload(model.organisation))
        .where(model.instance_id == instance_id)
        .order_by(model.created_at, model.id)
    )
    if task_id is not None:
        query = query.where(model.task_id == task_id)
    return session.scalars(query).all()
