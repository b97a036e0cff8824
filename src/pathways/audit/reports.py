"""The access report: who read one client's data, when and why, for the client to keep.

A client may ask which people opened their case. The report lists every read of client
data recorded against the client's cases (`*.read` actions, with the purpose the reader
gave), names the reader and their organisation as the user table knows them today, and
is itself recorded as a read of the client's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pathways import clock
from pathways.audit import service as audit
from pathways.audit.models import AuditEvent
from pathways.cases.models import Client, ProcessInstance
from pathways.errors import NotFound, NotPermitted
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.people.models import Role, User, name_in
from pathways.tasks.models import Task

REPORT_ACTION = "client.access_report"
_MAX_ROWS = 10_000


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    reader: str | None  # login; None for a read no one signed (never expected)
    reader_name: str | None
    organisation: str | None
    case_id: int | None
    pathway: str | None
    step: str | None
    purpose: str | None
    organisation_names: dict[str, str] | None = None

    def name_in(self, language: str) -> str:
        """The reader's organisation in `language`; – when the reader is unknown."""
        return name_in(self.organisation_names, self.organisation or "–", language)


@dataclass(frozen=True)
class AccessReport:
    reference: str
    made_at: datetime
    made_by: str
    rows: list[AccessRow]


def access_report(session: Session, *, reference: str, actor: Actor) -> AccessReport:
    """Every read of the client's data, oldest first; recorded as a read itself."""
    _screen(actor)  # before anything reveals whether the client exists
    client = session.scalar(select(Client).where(Client.reference == reference))
    cases = _cases(session, client)
    try:
        permissions.require_access_report_reader(actor, [c.team for c in cases])
    except NotPermitted:
        raise NotPermitted("the client is not served by your organisation") from None
    if client is None:
        raise NotFound(f"no client '{reference[:64]}'")
    rows = _rows(session, cases)
    audit.record(
        session,
        actor=actor.login,
        action=REPORT_ACTION,
        details={"client": client.reference, "purpose": "access report for the client"},
    )
    session.flush()
    return AccessReport(client.reference, clock.now(), actor.login, rows)


def _screen(actor: Actor) -> None:
    if actor.is_operator or any(
        actor.has_role(r) for r in (Role.ADMIN, Role.CASEWORKER, Role.MANAGER)
    ):
        return
    raise NotPermitted("only caseworkers, managers and administrators make access reports")


def _cases(session: Session, client: Client | None) -> Sequence[ProcessInstance]:
    if client is None:
        return []
    return session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.client_id == client.id)
        .order_by(ProcessInstance.id)
    ).all()


def _rows(session: Session, cases: Sequence[ProcessInstance]) -> list[AccessRow]:
    by_id = {c.id: c for c in cases}
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.instance_id.in_(by_id), AuditEvent.action.like("%.read"))
        .order_by(AuditEvent.id)
        .limit(_MAX_ROWS)
    ).all()
    readers = _readers(session, {e.actor for e in events if e.actor})
    steps = _steps(session, {e.task_id for e in events if e.task_id})
    rows = []
    for event in events:
        reader = readers.get(event.actor or "")
        case = by_id.get(event.instance_id or 0)
        purpose = event.details.get("purpose")
        rows.append(
            AccessRow(
                at=event.at,
                reader=event.actor,
                reader_name=reader.name if reader else None,
                organisation=reader.organisation.name if reader else None,
                case_id=event.instance_id,
                pathway=case.version.model.name if case else None,
                step=steps.get(event.task_id or 0),
                purpose=purpose if isinstance(purpose, str) else None,
                organisation_names=reader.organisation.names if reader else None,
            )
        )
    return rows


def _readers(session: Session, logins: set[str]) -> dict[str, User]:
    found = session.scalars(
        select(User).options(joinedload(User.organisation)).where(User.login.in_(logins))
    ).all()
    return {u.login: u for u in found}


def _steps(session: Session, task_ids: set[int]) -> dict[int, str]:
    found = session.execute(select(Task.id, Task.name).where(Task.id.in_(task_ids))).all()
    return {row.id: row.name for row in found}
