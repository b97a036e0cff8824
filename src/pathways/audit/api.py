"""The audit and access log, for administrators."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from pathways.audit import service as audit
from pathways.edge.caller import CallDep
from pathways.edge.params import BigIdQuery, RowIdQuery

router = APIRouter(prefix="/api/audit", tags=["audit"])


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str | None
    action: str
    instance_id: int | None
    task_id: int | None
    details: dict[str, Any]


@router.get("")
def list_events(
    call: CallDep,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    instance: RowIdQuery = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: BigIdQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEventOut]:
    """Who did or read what, newest first. Reads of client data carry their purpose."""
    where = audit.AuditFilter(
        actor=actor,
        action=action,
        instance_id=instance,
        since=since,
        until=until,
        before_id=before,
        limit=limit,
    )
    with call.begin() as tx:
        events = audit.list_events(tx.session, where=where, actor=tx.actor)
        return [AuditEventOut.model_validate(e) for e in events]
