"""Routes for incidents (administrators): list them, retry or cancel one."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from pathways.edge.caller import CallDep
from pathways.edge.params import RowId
from pathways.incidents import service as incidents
from pathways.incidents.models import IncidentState
from pathways.incidents.schemas import IncidentOut

router = APIRouter(prefix="/api/incidents", tags=["incidents"])


@router.get("")
def list_incidents(
    call: CallDep, state: Literal["open", "retried", "cancelled", "all"] = "open"
) -> list[IncidentOut]:
    """Cases the timer poller gave up on or that can no longer move, newest first (open
    ones unless `state` says)."""
    wanted = None if state == "all" else IncidentState(state)
    with call.begin() as tx:
        rows = incidents.list_incidents(tx.session, actor=tx.actor, state=wanted)
        return [IncidentOut.of(row.incident, row.model) for row in rows]


@router.post("/{incident_id}/retry")
def retry_incident(incident_id: RowId, call: CallDep) -> IncidentOut:
    """Close the incident; the poller fires the case's due timers again from scratch."""
    with call.begin() as tx:
        return IncidentOut.of(incidents.retry(tx.session, incident_id=incident_id, actor=tx.actor))


@router.post("/{incident_id}/cancel")
def cancel_incident(incident_id: RowId, call: CallDep) -> IncidentOut:
    """Close the incident and cancel its case."""
    with call.begin() as tx:
        incident = incidents.cancel(
            tx.session, incident_id=incident_id, actor=tx.actor, settings=tx.settings
        )
        return IncidentOut.of(incident)
