"""Writing the record at each completed step and reading it field by field, audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pathways import clock, engine
from pathways.audit import service as audit
from pathways.cases.models import ProcessInstance
from pathways.errors import Conflict
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.people.models import Organisation, User
from pathways.processes.models import ProcessVersion
from pathways.record import visibility
from pathways.record.models import Consent, RecordEntry
from pathways.record.sharing import field_title, in_form_order, shared_kinds
from pathways.tasks.models import Task, TaskState


@dataclass(frozen=True)
class Answer:
    """One field of an entry as a reader may see it."""

    field: str
    title: str
    value: Any
    shared_with: list[str]  # organisation kinds besides the recording one
    corrected: bool = False


@dataclass(frozen=True)
class ReadableEntry:
    entry: RecordEntry
    answers: list[Answer] = field(default_factory=list)


def record_step(
    session: Session, *, instance: ProcessInstance, task: Task, data: dict[str, Any], by: User
) -> RecordEntry | None:
    """Keep what the organisation recorded at this step (a step without a form records none)."""
    if task.form is None or task.organisation_id is None:
        return None
    reopened = session.scalar(select(RecordEntry).where(RecordEntry.task_id == task.id))
    if reopened is not None:  # completed again after a reopening, which kept the earlier values
        reopened.data, reopened.recorded_at, reopened.recorded_by_id = (
            dict(data),
            clock.now(),
            by.id,
        )
        return reopened
    entry = RecordEntry(
        instance_id=instance.id,
        task_id=task.id,
        step=task.bpmn_id,
        form=task.form,
        organisation_id=task.organisation_id,
        recorded_by_id=by.id,
        recorded_at=clock.now(),
        data=dict(data),
    )
    session.add(entry)
    return entry


def consents_of(session: Session, instance_id: int) -> Sequence[Consent]:
    return session.scalars(
        select(Consent).where(Consent.instance_id == instance_id).order_by(Consent.id)
    ).all()


def entries_of(session: Session, instance_id: int) -> Sequence[RecordEntry]:
    return session.scalars(
        select(RecordEntry)
        .options(selectinload(RecordEntry.corrections))
        .where(RecordEntry.instance_id == instance_id)
        .order_by(RecordEntry.id)
    ).all()


def entry_of_task(session: Session, task_id: int) -> RecordEntry | None:
    return session.scalar(select(RecordEntry).where(RecordEntry.task_id == task_id))


def readable(
    session: Session,
    *,
    actor: Actor,
    instance: ProcessInstance,
    purpose: str,
    entries: Sequence[RecordEntry] | None = None,
) -> list[ReadableEntry]:
    """The case's entries with the fields the actor may read; entries with none are left out.

    Reading is audited with its purpose and the entries read, even when nothing was shown.
    """
    permissions.require_case_reader(actor, instance)
    reader = visibility.reader_of(actor)
    consents = consents_of(session, instance.id)
    shown: list[ReadableEntry] = []
    for entry in entries_of(session, instance.id) if entries is None else entries:
        answers = _answers(reader, entry, instance, consents)
        if answers:
            shown.append(ReadableEntry(entry, answers))
    audit.record(
        session,
        actor=actor.login,
        action="record.read",
        instance_id=instance.id,
        details={"purpose": purpose[:200], "entries": [e.entry.id for e in shown]},
    )
    return shown


def _answers(
    reader: visibility.Reader | None,
    entry: RecordEntry,
    instance: ProcessInstance,
    consents: Sequence[Consent],
) -> list[Answer]:
    if reader is None:
        return []
    schema = instance.version.forms.get(entry.form)
    corrected = {name for c in entry.corrections for name in c.previous}
    return [
        Answer(
            field=name,
            title=field_title(schema, name),
            value=entry.data[name],
            shared_with=sorted(shared_kinds(schema, name)),
            corrected=name in corrected,
        )
        for name in in_form_order(schema, entry.data)
        if visibility.may_read_field(reader, entry, schema, name, instance, consents)
    ]


def answers_of(
    session: Session, *, actor: Actor, task: Task, instance: ProcessInstance, purpose: str
) -> ReadableEntry | None:
    """What was recorded at this step, as far as the actor may read it (audited)."""
    entry = entry_of_task(session, task.id)
    if entry is None:
        return None
    found = readable(session, actor=actor, instance=instance, purpose=purpose, entries=[entry])
    return found[0] if found else None


def shared_with_you(
    session: Session, *, actor: Actor, task: Task, instance: ProcessInstance, purpose: str
) -> list[ReadableEntry]:
    """What other organisations recorded earlier in the case that the actor may read."""
    others = [
        e
        for e in entries_of(session, instance.id)
        if e.task_id != task.id and e.organisation_id != task.organisation_id
    ]
    if not others:
        return []
    return readable(session, actor=actor, instance=instance, purpose=purpose, entries=others)


@dataclass(frozen=True)
class Recipient:
    organisation: Organisation
    fields: list[str]  # titles
    waits_for_consent: bool


def recipients(session: Session, *, task: Task, instance: ProcessInstance) -> list[Recipient]:
    """Who this step's entry is shared with, field by field: the sender's hand-off sentence.

    Names of fields and organisations only, no values: not a read of client data.
    """
    entry = entry_of_task(session, task.id)
    if entry is None:
        return []
    schema = instance.version.forms.get(entry.form)
    consents = consents_of(session, instance.id)
    found = []
    for kind, code in instance.team.items():
        organisation = session.scalar(select(Organisation).where(Organisation.code == code))
        if organisation is None or organisation.id == entry.organisation_id:
            continue
        reader = visibility.Reader(organisation.id, kind, code)
        names = [n for n in in_form_order(schema, entry.data) if kind in shared_kinds(schema, n)]
        if not names:
            continue
        allowed = [
            n
            for n in names
            if visibility.may_read_field(reader, entry, schema, n, instance, consents)
        ]
        titles = [field_title(schema, n) for n in (allowed or names)]
        found.append(Recipient(organisation, titles, waits_for_consent=not allowed))
    return found


def visible_tasks(
    session: Session, *, actor: Actor, instance: ProcessInstance, tasks: Sequence[Task]
) -> Sequence[Task]:
    """The case's steps the actor sees (outside the statutory team: own steps, or consent's)."""
    reader = visibility.reader_of(actor)
    if reader is None or reader.statutory:
        return tasks
    return visibility.visible_tasks(reader, tasks, consents_of(session, instance.id))


# sha256 of a version → its steps' properties. A version never changes, and reading its
# spec column (deferred, tens of kilobytes) on every claim and completion would cost more
# than the answer.
_STEP_PROPERTIES: dict[str, dict[str, dict[str, str]]] = {}


def step_properties(version: ProcessVersion) -> dict[str, dict[str, str]]:
    found = _STEP_PROPERTIES.get(version.sha256)
    if found is None:
        if len(_STEP_PROPERTIES) >= 256:
            _STEP_PROPERTIES.clear()
        found = _STEP_PROPERTIES[version.sha256] = engine.task_properties(version.spec)
    return found


def consent_awaited(session: Session, *, instance: ProcessInstance, task: Task) -> str | None:
    """The organisation kind whose consent this step still waits for (`requiresConsent`)."""
    properties = step_properties(instance.version).get(task.bpmn_id, {})
    kind = properties.get("requiresConsent")
    if kind is None or any(c.covers(kind) for c in consents_of(session, instance.id)):
        return None
    return kind


def require_consent(session: Session, *, instance: ProcessInstance, task: Task) -> None:
    """A step whose model says `requiresConsent` waits until the client's consent is recorded."""
    kind = consent_awaited(session, instance=instance, task=task)
    if kind is not None:
        raise Conflict(
            f"step '{task.name}' waits for the client's consent to share with {kind}: "
            "record the consent on the case first"
        )


@dataclass(frozen=True)
class TaskRecord:
    """What a task's page and `GET /api/tasks/{id}` show of the record."""

    answers: ReadableEntry | None
    shared_with_you: list[ReadableEntry]
    recipients: list[Recipient]
    consent_awaited: str | None  # the kind whose consent the open step waits for


def for_task(
    session: Session, *, actor: Actor, task: Task, instance: ProcessInstance, purpose: str
) -> TaskRecord:
    """The step's own answers, what others shared for it, and whom it shares with."""
    return TaskRecord(
        answers=answers_of(session, actor=actor, task=task, instance=instance, purpose=purpose),
        shared_with_you=shared_with_you(
            session, actor=actor, task=task, instance=instance, purpose=purpose
        ),
        recipients=recipients(session, task=task, instance=instance),
        consent_awaited=(
            consent_awaited(session, instance=instance, task=task)
            if task.state == TaskState.OPEN
            else None
        ),
    )


def shared_with_kind(session: Session, *, instance: ProcessInstance, kind: str) -> dict[str, Any]:
    """The fields recorded in the case that the forms share with `kind` (`x-share` naming
    it or `team`), the latest value of each; fields only their recorder reads stay out."""
    shared: dict[str, Any] = {}
    for entry in entries_of(session, instance.id):
        schema = instance.version.forms.get(entry.form)
        for name, value in entry.data.items():
            if kind in shared_kinds(schema, name):
                shared[name] = value
    return shared
