"""Dry runs: a version run on a sample case in memory, to see its path and deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from pathways import clock, engine
from pathways.deadlines.service import due_at
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.processes.service import get_version, pathway_for
from pathways.settings import Settings

HORIZON = timedelta(days=5 * 366)


@dataclass(frozen=True)
class StepView:
    """A human step of the run: when it opened, when it was due, when it was done."""

    element_id: str
    name: str
    lane: str | None
    ready_at: datetime
    due_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class DryRunView:
    run: engine.DryRun
    steps: list[StepView]


def dry_run(
    session: Session,
    *,
    key: str,
    number: int,
    data: dict[str, Any],
    answers: Mapping[str, engine.Answer],
    start: datetime | None,
    actor: Actor,
    settings: Settings,
) -> DryRunView:
    """Run the version from `start` (now by default) with the scripted answers; store nothing."""
    permissions.require_designer(actor)
    engine.check_incoming(data)
    for answer in answers.values():
        engine.check_incoming(answer.data)
    version = get_version(session, key, number)
    run = engine.dry_run(
        pathway_for(version, settings),
        data,
        answers,
        start=start or clock.now(),
        horizon=HORIZON,
    )
    return DryRunView(run, [_step(run, step) for step in run.steps])


def _step(run: engine.DryRun, step: engine.HumanStep) -> StepView:
    task = step.task
    attached = [
        t.due_at
        for t in run.timers
        if t.attached_to == task.bpmn_id and t.started_at == step.ready_at
    ]
    own = due_at(task, [], step.ready_at)
    return StepView(
        element_id=task.bpmn_id,
        name=task.name,
        lane=task.lane,
        ready_at=step.ready_at,
        due_at=min([*attached, *([own] if own else [])], default=None),
        completed_at=step.completed_at,
    )
