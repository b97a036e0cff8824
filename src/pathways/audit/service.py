"""Writing and reading the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import clock
from pathways.audit.models import AuditEvent


def record(
    session: Session,
    *,
    actor: str | None,
    action: str,
    instance_id: int | None = None,
    task_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=clock.now(),
        actor=actor,
        action=action,
        instance_id=instance_id,
        task_id=task_id,
        details=details or {},
    )
    session.add(event)
    return event


def events(
    session: Session, *, instance_id: int | None = None, limit: int = 200
) -> Sequence[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if instance_id is not None:
        query = query.where(AuditEvent.instance_id == instance_id)
    return session.scalars(query).all()
