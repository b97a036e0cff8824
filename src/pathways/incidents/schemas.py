"""Incidents as the API and `--json` show them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from pathways.incidents.models import Incident


class IncidentOut(BaseModel):
    id: int
    instance_id: int
    model: str | None
    element: str
    reason: str
    attempts: int
    state: str
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str | None

    @classmethod
    def of(cls, incident: Incident, model: str | None = None) -> IncidentOut:
        return cls(
            id=incident.id,
            instance_id=incident.instance_id,
            model=model,
            element=incident.element,
            reason=incident.reason,
            attempts=incident.attempts,
            state=incident.state,
            opened_at=incident.opened_at,
            closed_at=incident.closed_at,
            closed_by=incident.closed_by,
        )
