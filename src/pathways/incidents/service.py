"""Listing, retrying and cancelling incidents (see the package's contract); opening them
is `opening`'s, re-exported here."""

from __future__ import annotations

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
from pathways.incidents.opening import open_for, open_incident
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.settings import Settings

__all__ = ["blocks", "cancel", "list_incidents", "open_for", "open_incident", "retry"]


def blocks(instance_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """True for a case with an open incident: for queries that must skip such cases."""
    return exists().where(Incident.instance_id == instance_id, Incident.state == IncidentState.OPEN)


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
