"""Writing and reading the audit log."""

from __future__ import annotations

from typing import Any

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
