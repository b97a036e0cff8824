"""Starting pathways for clients, reading cases, delivering messages, cancelling."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pathways import clock, engine
from pathways.audit import service as audit
from pathways.cases import search
from pathways.cases.models import Client, InstanceState, ProcessInstance
from pathways.cases.progress import apply_advance, lock_instance, require_running
from pathways.deadlines.models import Timer
from pathways.deadlines.service import timers_of
from pathways.errors import Conflict, DuplicateCase, InvalidData, NotFound
from pathways.people import permissions
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskState

_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
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
    version = processes.deployed_version(session, model)
    members = people.build_team(
        session, municipality=client.municipality, kinds=version.kinds, named=team or {}
    )
    permissions.require_team_member(actor, members)
    known = _client(session, client)
    if not duplicate_confirmed:
        _refuse_duplicate(session, known, model)
    advance = processes.pathway_for(version, settings).start(data)
    instance = ProcessInstance(
        version=version,
        client=known,
        team=members,
        state=InstanceState.RUNNING,
        started_at=clock.now(),
        started_by=actor.login,
        workflow_state=advance.state,
        serializer_version=advance.serializer_version,
    )
    session.add(instance)
    session.flush()
    apply_advance(session, instance, advance, settings=settings)
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
            f"a case of pathway {model} is already running for this client;"
            ' send "duplicate": "confirmed" to start another'
        )


def _client(session: Session, new: NewClient) -> Client:
    if not _REFERENCE.match(new.reference):
        raise InvalidData("a client reference is 1-64 letters, digits, '.', '_' or '-'")
    for language in (new.contact_language, new.integration_language):
        if language is not None and not _LANGUAGE.match(language):
            raise InvalidData("a language is an ISO 639 code such as fi, sv, ar")
    if new.integration_language not in (None, *INTEGRATION_LANGUAGES):
        raise InvalidData("the integration language is Finnish (fi) or Swedish (sv)")
    client = session.scalar(select(Client).where(Client.reference == new.reference))
    if client is None:
        client = Client(
            reference=new.reference, municipality=new.municipality, created_at=clock.now()
        )
        session.add(client)
    elif client.municipality != new.municipality:
        raise Conflict(
            f"client {new.reference} lives in another municipality than {new.municipality}"
        )
    client.contact_language = new.contact_language or client.contact_language
    client.integration_language = new.integration_language or client.integration_language
    return client


def get(session: Session, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"no case {instance_id}")
    return instance


def show(session: Session, *, instance_id: int, actor: Actor, purpose: str) -> CaseView:
    """The case with its tasks and timers. Reading client data is logged with its purpose."""
    instance = get(session, instance_id)
    permissions.require_case_reader(actor, instance)
    tasks = tasks_of(session, instance_id)
    audit.record(
        session,
        actor=actor.login,
        action="case.read",
        instance_id=instance_id,
        details={"purpose": purpose[:200]},
    )
    return CaseView(instance, tasks, timers_of(session, instance_id))


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
) -> list[Task]:
    """Hand a BPMN message (e.g. "registered as a jobseeker") to a waiting case."""
    engine.check_incoming(payload, "payload")
    instance = lock_instance(session, instance_id)
    permissions.require_messenger(actor, instance)
    require_running(instance)
    pathway = processes.pathway_for(instance.version, settings)
    advance = pathway.deliver(instance.workflow_state, instance.serializer_version, name, payload)
    opened = apply_advance(session, instance, advance, settings=settings)
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
