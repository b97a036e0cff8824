"""Moving running cases from one version of their pathway to another, on purpose.

A preview tries each running case of the old version in memory and says whether it
can move and, if not, why. A migration moves the chosen cases only, each under its
row lock, with its task and timer rows rewritten and an audit event, all in the
caller's transaction: either every chosen case moves or none does. Cases not chosen
stay on their version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import engine
from pathways.audit import service as audit
from pathways.cases.models import InstanceState, ProcessInstance
from pathways.cases.progress import apply_advance, lock_instance
from pathways.errors import N_, Conflict, NotMigratable, Text
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.processes.models import ProcessVersion, VersionState
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskState
from pathways.tasks.projection import refresh_open_tasks

MAX_PREVIEW = 500


@dataclass(frozen=True)
class CaseMove:
    """Whether one running case can move to the other version, and why not."""

    instance_id: int
    client: str
    waiting_at: tuple[str, ...]
    movable: bool
    reason: str | Text | None  # English with `str()`; a `Text` the edge may translate


def preview(
    session: Session, *, key: str, number: int, to: int, actor: Actor, settings: Settings
) -> list[CaseMove]:
    """Every running case of version `number` (oldest first), tried against version `to`."""
    permissions.require_designer(actor)
    source, target = _versions(session, key, number, to)
    instances = session.scalars(
        select(ProcessInstance)
        .where(
            ProcessInstance.version_id == source.id,
            ProcessInstance.state == InstanceState.RUNNING,
        )
        .order_by(ProcessInstance.id)
        .limit(MAX_PREVIEW)
    ).all()
    return [_try(session, instance, source, target, settings) for instance in instances]


def _try(
    session: Session,
    instance: ProcessInstance,
    source: ProcessVersion,
    target: ProcessVersion,
    settings: Settings,
) -> CaseMove:
    reason: str | Text | None = None
    try:
        _moved(instance, source, target, settings)
    except NotMigratable as error:
        reason = error.text or error.message
    return CaseMove(
        instance_id=instance.id,
        client=instance.client.reference,
        waiting_at=tuple(_waiting_at(session, instance.id)),
        movable=reason is None,
        reason=reason,
    )


def migrate(
    session: Session,
    *,
    key: str,
    number: int,
    to: int,
    instance_ids: Sequence[int],
    actor: Actor,
    settings: Settings,
) -> list[ProcessInstance]:
    """Move the chosen running cases of version `number` to version `to`."""
    permissions.require_designer(actor)
    source, target = _versions(session, key, number, to)
    moved = []
    for instance_id in sorted(set(instance_ids)):
        instance = lock_instance(session, instance_id)
        if instance.version_id != source.id or instance.state != InstanceState.RUNNING:
            raise Conflict(
                Text(
                    "case {case} is not a running case of version {number}",
                    case=instance_id,
                    number=number,
                )
            )
        try:
            advance = _moved(instance, source, target, settings)
        except NotMigratable as error:
            reason = error.text or error.message
            raise NotMigratable(
                Text("case {case} cannot move: {reason}", case=instance_id, reason=reason)
            ) from None
        instance.version = target
        apply_advance(session, instance, advance)
        refresh_open_tasks(
            session,
            instance_id=instance.id,
            model_id=instance.version.model_id,
            team=instance.team,
            advance=advance,
        )
        audit.record(
            session,
            actor=actor.login,
            action="case.migrated",
            instance_id=instance.id,
            details={"model": key, "from": number, "to": to},
        )
        moved.append(instance)
    return moved


def _moved(
    instance: ProcessInstance,
    source: ProcessVersion,
    target: ProcessVersion,
    settings: Settings,
) -> engine.Advance:
    return engine.migrate(
        processes.pathway_for(source, settings),
        processes.pathway_for(target, settings),
        instance.workflow_state,
        instance.serializer_version,
    )


def _versions(
    session: Session, key: str, number: int, to: int
) -> tuple[ProcessVersion, ProcessVersion]:
    source = processes.get_version(session, key, number)
    target = processes.get_version(session, key, to)
    if target.state != VersionState.DEPLOYED:
        template = (
            N_("cases move only to a deployed version; version {number} is draft")
            if target.state == VersionState.DRAFT
            else N_("cases move only to a deployed version; version {number} is retired")
        )
        raise Conflict(Text(template, number=to))
    if target.id == source.id:
        raise Conflict(Text("a case cannot move to the version it is on"))
    return source, target


def _waiting_at(session: Session, instance_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Task.bpmn_id)
            .where(Task.instance_id == instance_id, Task.state == TaskState.OPEN)
            .order_by(Task.id)
        )
    )
