"""Opening a case: the pathway started in its team's calendars, the case row and its
projections written together, whether a caseworker starts it or a move opens it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from pathways import clock
from pathways.cases.models import Client, InstanceState, ProcessInstance
from pathways.cases.progress import apply_advance
from pathways.deadlines.calendars import team_closed_days
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.processes.models import ProcessVersion
from pathways.settings import Settings


def open_case(
    session: Session,
    *,
    version: ProcessVersion,
    client: Client,
    team: Mapping[str, str],
    data: dict[str, Any],
    actor: Actor,
    settings: Settings,
    moved_from_id: int | None = None,
) -> ProcessInstance:
    """Start `version` for `client` with `team` (organisation code by kind), writing the
    case and what it opened."""
    closed = team_closed_days(session, team=team, everywhere=settings.deadlines.closed_days)
    advance = processes.pathway_for(version, settings).start(data, closed_days=closed)
    instance = ProcessInstance(
        version=version,
        client=client,
        team=dict(team),
        state=InstanceState.RUNNING,
        started_at=clock.now(),
        started_by=actor.login,
        workflow_state=advance.state,
        serializer_version=advance.serializer_version,
        moved_from_id=moved_from_id,
    )
    session.add(instance)
    session.flush()
    apply_advance(session, instance, advance, settings=settings)
    return instance
