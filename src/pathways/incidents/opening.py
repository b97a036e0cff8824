"""Opening an incident, below the slices that change cases: the poller opens one for a
timer that keeps failing, and every advance of a case opens one for a case that can no
longer move. Nothing here imports a slice's service, so `cases` may call it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import clock
from pathways.audit import service as audit
from pathways.cases.models import ProcessInstance
from pathways.incidents.models import Incident, IncidentState

STUCK = (
    "the case can no longer move: nothing is open for anyone, no timer runs"
    " and no message is awaited"
)


def open_incident(
    session: Session, *, instance_id: int, element: str, reason: str, attempts: int
) -> Incident | None:
    """Open the case's incident unless one is open already; None in that case."""
    if open_for(session, instance_id):
        return None
    incident = Incident(
        instance_id=instance_id,
        element=element[:255],
        reason=reason[:2000],
        attempts=attempts,
        state=IncidentState.OPEN,
        opened_at=clock.now(),
    )
    session.add(incident)
    instance = session.get(ProcessInstance, instance_id)
    if instance is not None:
        instance.last_error = f"{element}: {reason}"[:2000]
    session.flush()
    audit.record(
        session,
        actor=None,
        action="incident.opened",
        instance_id=instance_id,
        details={"incident": incident.id, "element": incident.element, "attempts": attempts},
    )
    return incident


def open_stuck(session: Session, *, instance_id: int, element: str) -> Incident | None:
    """The incident of a case that can no longer move, waiting at `element`."""
    return open_incident(
        session, instance_id=instance_id, element=element, reason=STUCK, attempts=0
    )


def open_for(session: Session, instance_id: int) -> Sequence[Incident]:
    """The case's open incident, if any (a list of at most one)."""
    return session.scalars(
        select(Incident).where(
            Incident.instance_id == instance_id, Incident.state == IncidentState.OPEN
        )
    ).all()
