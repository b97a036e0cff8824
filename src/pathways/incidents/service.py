"""Opening, listing, retrying and cancelling incidents (see the package's contract)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from pathways import clock
from pathways.audit import service as audit
from pathways.cases import service as cases
from pathways.cases.models import InstanceState, ProcessInstance
from pathways.deadlines.models import Timer, TimerState
from pathways.errors import Conflict, NotFound
from pathways.incidents.models import Incident, IncidentState
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.settings import Settings


def blocks(instance_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """True for a case with an open incident: for queries that must skip such cases."""
    return exists().where(Incident.instance_id == instance_id, Incident.state == IncidentState.OPEN)


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


@dataclass(frozen=True)
class IncidentRow:
    incident: Incident
    model: str  # the pathway's key
    model_name: str


def list_incidents(
    session: Session, *, actor: Actor, state: IncidentState | None = IncidentState.OPEN
) -> list[IncidentRow]:
    """Incidents, newest first, for administrators."""
    permissions.require_admin(actor)
    query = (
        select(Incident, ProcessModel.key, ProcessModel.name)
        .join(ProcessInstance, ProcessInstance.id == Incident.instance_id)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.version_id)
        .join(ProcessModel, ProcessModel.id == ProcessVersion.model_id)
        .order_by(Incident.id.desc())
        .limit(1000)
    )
    if state is not None:
        query = query.where(Incident.state == state)
    return [IncidentRow(*row) for row in session.execute(query).all()]


def _open(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id, with_for_update=True)
    if incident is None:
        raise NotFound(f"no incident {incident_id}")
    if incident.state != IncidentState.OPEN:
        raise Conflict(f"incident {incident_id} is {incident.state} already")
    return incident


def _close(incident: Incident, state: IncidentState, actor: Actor) -> None:
    incident.state = state
    incident.closed_at = clock.now()
    incident.closed_by = actor.login


def retry(session: Session, *, incident_id: int, actor: Actor) -> Incident:
    """Close the incident and let the poller fire the case's timers again from scratch."""
    permissions.require_admin(actor)
    incident = _open(session, incident_id)
    _close(incident, IncidentState.RETRIED, actor)
    session.execute(
        update(Timer)
        .where(Timer.instance_id == incident.instance_id, Timer.state == TimerState.WAITING)
        .values(
            attempts=0, next_attempt_at=None, last_error=None, lease_owner=None, lease_until=None
        )
        .execution_options(synchronize_session=False)
    )
    instance = session.get(ProcessInstance, incident.instance_id)
    if instance is not None:
        instance.last_error = None
    audit.record(
        session,
        actor=actor.login,
        action="incident.retried",
        instance_id=incident.instance_id,
        details={"incident": incident.id},
    )
    session.flush()
    return incident


def cancel(session: Session, *, incident_id: int, actor: Actor, settings: Settings) -> Incident:
    """Close the incident and cancel its case (a case that ended meanwhile stays as it is)."""
    permissions.require_admin(actor)
    incident = _open(session, incident_id)
    instance = session.get(ProcessInstance, incident.instance_id)
    if instance is not None and instance.state == InstanceState.RUNNING:
        cases.cancel(session, instance_id=instance.id, actor=actor, settings=settings)
    _close(incident, IncidentState.CANCELLED, actor)
    audit.record(
        session,
        actor=actor.login,
        action="incident.cancelled",
        instance_id=incident.instance_id,
        details={"incident": incident.id},
    )
    session.flush()
    return incident


def open_for(session: Session, instance_id: int) -> Sequence[Incident]:
    """The case's open incident, if any (a list of at most one)."""
    return session.scalars(
        select(Incident).where(
            Incident.instance_id == instance_id, Incident.state == IncidentState.OPEN
        )
    ).all()


def get_incident(session: Session, *, incident_id: int, actor: Actor) -> IncidentRow:
    """One incident with its pathway's key, for administrators."""
    permissions.require_admin(actor)
    found = session.execute(
        select(Incident, ProcessModel.key, ProcessModel.name)
        .join(ProcessInstance, ProcessInstance.id == Incident.instance_id)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.version_id)
        .join(ProcessModel, ProcessModel.id == ProcessVersion.model_id)
        .where(Incident.id == incident_id)
    ).first()
    if found is None:
        raise NotFound(f"no incident {incident_id}")
    return IncidentRow(*found)
