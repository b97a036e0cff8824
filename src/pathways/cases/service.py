"""Starting pathways for clients, reading cases, delivering messages, cancelling."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from pathways import clock, engine
from pathways.audit import service as audit
from pathways.audit.models import AuditEvent
from pathways.cases import moves, search
from pathways.cases.models import Client, InstanceState, ProcessInstance
from pathways.cases.opening import open_case
from pathways.cases.progress import apply_advance, lock_instance, require_running
from pathways.deadlines.calendars import team_closed_days
from pathways.deadlines.models import Timer
from pathways.deadlines.service import timers_of
from pathways.errors import Conflict, DuplicateCase, InvalidData, NotFound
from pathways.people import permissions
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.processes.models import ProcessVersion
from pathways.record import service as record
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskState

_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_MESSAGE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}")
INTEGRATION_LANGUAGES = ("fi", "sv")


@dataclass(frozen=True)
class NewClient:
    reference: str
    municipality: str
    contact_language: str | None = None
    integration_language: str | None = None


@dataclass(frozen=True)
class CaseView:
    instance: ProcessInstance
    tasks: Sequence[Task]
    timers: Sequence[Timer]
    restricted: bool = False  # the reader sees only some steps (outside the statutory team)


def start(
    session: Session,
    *,
    model: str,
    client: NewClient,
    data: dict[str, Any],
    actor: Actor,
    settings: Settings,
    team: dict[str, str] | None = None,
    duplicate_confirmed: bool = False,
) -> ProcessInstance:
    """Start a pathway for a client: run to the first waits and write it all at once.

    A second running case of the same pathway for the same client starts only when the
    caller confirms it (`duplicate_confirmed`); otherwise `DuplicateCase` says why.
    """
    permissions.require_case_starter(actor)
    engine.check_incoming(data)
    _check_client(client)
    named = team or {}
    permissions.require_named_team(
        actor, named, serving=people.serving(session, named.values(), client.municipality)
    )
    version = processes.deployed_version(session, model)
    members = people.build_team(
        session, municipality=client.municipality, kinds=version.kinds, named=named
    )
    permissions.require_team_member(actor, members)
    kept = _client(session, client, actor)
    if not duplicate_confirmed:
        _refuse_duplicate(session, kept, model)
    instance = open_case(
        session,
        version=version,
        client=kept,
        team=members,
        data=data,
        actor=actor,
        settings=settings,
    )
    audit.record(
        session,
        actor=actor.login,
        action="case.started",
        instance_id=instance.id,
        details={"model": model, "version": version.number, "client": instance.client.reference},
    )
    return instance


def _refuse_duplicate(session: Session, client: Client, model: str) -> None:
    if client.id is None:
        return  # a client seen for the first time has no cases yet
    if search.running_of(session, client_id=client.id, model_key=model):
        raise DuplicateCase(
            "a case of this pathway is already running for this client;"
            ' send "duplicate": "confirmed" to start another'
        )


def _check_client(new: NewClient) -> None:
    if not _REFERENCE.fullmatch(new.reference):
        raise InvalidData("a client reference is 1-64 letters, digits, '.', '_' or '-'")
    for language in (new.contact_language, new.integration_language):
        if language is not None and not _LANGUAGE.fullmatch(language):
            raise InvalidData("a language is an ISO 639 code such as fi, sv, ar")
    if new.integration_language not in (None, *INTEGRATION_LANGUAGES):
        raise InvalidData("the integration language is Finnish (fi) or Swedish (sv)")


def _client(session: Session, new: NewClient, actor: Actor) -> Client:
    """The client of this reference in this municipality, created or updated.

    References are each municipality's own, so one in use elsewhere is another client
    and nothing here tells whether it exists. Languages of an existing client change only
    by an organisation that serves their municipality.
    """
    client = session.scalar(
        select(Client).where(
            Client.municipality == new.municipality, Client.reference == new.reference
        )
    )
    if client is None:
        client = Client(
            reference=new.reference, municipality=new.municipality, created_at=clock.now()
        )
        session.add(client)
    contact = new.contact_language or client.contact_language
    integration = new.integration_language or client.integration_language
    if client.id is not None and (contact, integration) != (
        client.contact_language,
        client.integration_language,
    ):
        permissions.require_client_keeper(actor, serving=_serves(session, actor, client))
    client.contact_language, client.integration_language = contact, integration
    return client


def _serves(session: Session, actor: Actor, client: Client) -> bool:
    if actor.user is None:
        return False
    code = actor.user.organisation.code
    return people.serving(session, [code], client.municipality)[code]


def get(session: Session, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"no case {instance_id}")
    return instance


def show(session: Session, *, instance_id: int, actor: Actor, purpose: str) -> CaseView:
    """The case with its tasks and timers. Reading client data is logged with its purpose."""
    instance = get(session, instance_id)
    permissions.require_case_reader(actor, instance)
    every = tasks_of(session, instance_id)
    tasks = record.visible_tasks(session, actor=actor, instance=instance, tasks=every)
    audit.record(
        session,
        actor=actor.login,
        action="case.read",
        instance_id=instance_id,
        details={"purpose": purpose[:200]},
    )
    timers = timers_of(session, instance_id)
    if tasks is every:
        return CaseView(instance, tasks, timers)
    seen = {t.spiff_task_id for t in tasks}
    timers = [t for t in timers if t.attached_to in seen]
    return CaseView(instance, tasks, timers, restricted=True)


def timeline(session: Session, view: CaseView) -> Sequence[AuditEvent]:
    """What was done to the case, oldest first; a restricted reader sees its own steps'."""
    events = audit.timeline(session, view.instance.id)
    if not view.restricted:
        return events
    seen = {t.id for t in view.tasks}
    return [e for e in events if e.task_id in seen]


def tasks_of(session: Session, instance_id: int) -> Sequence[Task]:
    """Every task of the case, oldest first."""
    return session.scalars(
        select(Task)
        .options(joinedload(Task.organisation), joinedload(Task.assignee))
        .where(Task.instance_id == instance_id)
        .order_by(Task.created_at, Task.id)
    ).all()


def open_tasks(session: Session, instance_id: int) -> Sequence[Task]:
    return [t for t in tasks_of(session, instance_id) if t.state == TaskState.OPEN]


def deliver_message(
    session: Session,
    *,
    instance_id: int,
    name: str,
    payload: dict[str, Any],
    actor: Actor,
    settings: Settings,
    correlation: dict[str, Any] | None = None,
) -> list[Task]:
    """Hand a BPMN message (e.g. "registered as a jobseeker") to a waiting case.

    `correlation` gives the values of the message's correlation properties by name
    (otherwise they are read from the payload). `moved_away` ends the case and opens it
    in the client's new municipality (`cases.moves`).
    """
    if not _MESSAGE.fullmatch(name):
        raise InvalidData("a message name is 1-100 letters, digits, '_', '.' or '-'")
    engine.check_incoming(payload, "payload")
    engine.check_incoming(correlation or {}, "correlation")
    instance = lock_instance(session, instance_id)
    permissions.require_messenger(actor, instance)
    require_running(instance)
    pathway = processes.pathway_for(instance.version, settings)
    move = None
    if name == moves.MOVED_AWAY and name in pathway.event_subprocess_messages:
        move = moves.read_move(payload)  # the pathway moves with the client
        moves.check_destination(session, instance, move)
    try:
        advance = pathway.deliver(
            instance.workflow_state,
            instance.serializer_version,
            name,
            payload,
            correlation,
            closed_days=team_closed_days(
                session, team=instance.team, everywhere=settings.deadlines.closed_days
            ),
            then_end=move is not None,
        )
    except Conflict as refused:  # worded without the name the caller sent
        raise Conflict(refused.message) from None
    opened = apply_advance(session, instance, advance, settings=settings)
    if move is not None:
        moves.open_in_new_municipality(
            session, old=instance, move=move, actor=actor, settings=settings
        )
    audit.record(
        session,
        actor=actor.login,
        action="case.message",
        instance_id=instance_id,
        details={"message": name[:100]},
    )
    return opened


def cancel(
    session: Session, *, instance_id: int, actor: Actor, settings: Settings
) -> ProcessInstance:
    instance = lock_instance(session, instance_id)
    permissions.require_case_canceller(actor, instance)
    require_running(instance)
    pathway = processes.pathway_for(instance.version, settings)
    advance = pathway.cancel(instance.workflow_state, instance.serializer_version)
    apply_advance(session, instance, advance, final_state=InstanceState.CANCELLED)
    audit.record(session, actor=actor.login, action="case.cancelled", instance_id=instance_id)
    return instance


def running_by_version(session: Session, model_id: int) -> dict[int, int]:
    """How many cases run on each version of a model, by version number (no client data)."""
    rows = session.execute(
        select(ProcessVersion.number, func.count(ProcessInstance.id))
        .join(ProcessInstance, ProcessInstance.version_id == ProcessVersion.id)
        .where(
            ProcessVersion.model_id == model_id,
            ProcessInstance.state == InstanceState.RUNNING,
        )
        .group_by(ProcessVersion.number)
    )
    return {int(number): int(count) for number, count in rows.all()}
