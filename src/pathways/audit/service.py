"""Writing and reading the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from pathways import clock
from pathways.audit.models import AuditEvent
from pathways.cases.models import Client, ProcessInstance
from pathways.db.base import table_of
from pathways.people import permissions
from pathways.people.actors import Actor


def record(
    session: Session,
    *,
    actor: str | None,
    action: str,
    instance_id: int | None = None,
    task_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one event, at once, with a Core statement (the log is only ever appended to,
    so the unit of work has nothing to track)."""
    session.execute(
        _APPEND,
        {
            "at": clock.now(),
            "actor": actor,
            "action": action,
            "instance_id": instance_id,
            "task_id": task_id,
            "details": details or {},
        },
    )


_APPEND = insert(table_of(AuditEvent))


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    instance_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None  # page backwards from the newest
    limit: int = 100
    client_reference: str | None = None  # events of this client's cases


def list_events(session: Session, *, where: AuditFilter, actor: Actor) -> Sequence[AuditEvent]:
    """The log, newest first, for administrators."""
    permissions.require_admin(actor)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(where.limit)
    if where.actor is not None:
        query = query.where(AuditEvent.actor == where.actor)
    if where.action is not None:
        query = query.where(AuditEvent.action == where.action)
    if where.instance_id is not None:
        query = query.where(AuditEvent.instance_id == where.instance_id)
    if where.since is not None:
        query = query.where(AuditEvent.at >= where.since)
    if where.until is not None:
        query = query.where(AuditEvent.at < where.until)
    if where.before_id is not None:
        query = query.where(AuditEvent.id < where.before_id)
    if where.client_reference is not None:
        query = query.where(AuditEvent.instance_id.in_(_cases_of(where.client_reference)))
    return session.scalars(query).all()


def _cases_of(reference: str) -> Select[int]:
    return (
        select(ProcessInstance.id)
        .join(Client, Client.id == ProcessInstance.client_id)
        .where(Client.reference == reference)
    )


def timeline(session: Session, instance_id: int) -> Sequence[AuditEvent]:
    """What was done to a case, oldest first; reads are left out."""
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.instance_id == instance_id, AuditEvent.action.not_like("%.read"))
        .order_by(AuditEvent.id)
    ).all()
