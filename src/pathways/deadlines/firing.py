"""Firing a case's due timers: the one path the poller and tests share.

The caller owns the transaction. The case row is locked first, so a timer and a
completion of the same case never interleave; the engine decides what is due by
`pathways.clock`, and `apply_advance` marks the fired timer rows in the same
transaction as the new state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.cases.models import InstanceState
from pathways.cases.progress import apply_advance, lock_instance
from pathways.deadlines.calendars import team_closed_days
from pathways.processes import service as processes
from pathways.settings import Settings
from pathways.tasks.models import Task


@dataclass(frozen=True)
class Firing:
    """What firing a case's due timers did."""

    instance_id: int
    fired: frozenset[str] = frozenset()
    opened: list[Task] = field(default_factory=list)


def fire_due(session: Session, *, instance_id: int, settings: Settings) -> Firing:
    """Run whatever timers of the case are due now; a case no longer running fires nothing."""
    instance = lock_instance(session, instance_id)
    if instance.state != InstanceState.RUNNING:
        return Firing(instance_id)
    pathway = processes.pathway_for(instance.version, settings)
    closed = team_closed_days(
        session, team=instance.team, everywhere=settings.deadlines.closed_days
    )
    advance = pathway.fire_timers(
        instance.workflow_state, instance.serializer_version, closed_days=closed
    )
    if not advance.fired_timers and not advance.opened and not advance.finished:
        return Firing(instance_id)
    opened = apply_advance(session, instance, advance, settings=settings)
    audit.record(
        session,
        actor=None,
        action="timer.fired",
        instance_id=instance_id,
        details={"timers": sorted(advance.fired_timers)},
    )
    return Firing(instance_id, advance.fired_timers, opened)
