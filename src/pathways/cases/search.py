"""Finding cases again: by client reference, pathway, state, organisation, step and dates.

Everyone who may search sees only the cases they could open: caseworkers and managers
those whose team holds their organisation (which includes every case where it holds a
task); admins and the operator all. A search is a read of client data and is audited once,
naming the cases it showed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, defer, joinedload

from pathways.audit import service as audit
from pathways.cases.models import Client, InstanceState, ProcessInstance
from pathways.errors import InvalidData, NotFound
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.people.models import Organisation
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.tasks.models import Task, TaskState

SORTS = ("started_at", "-started_at", "ended_at", "-ended_at", "reference", "-reference")
Sort = Literal["started_at", "-started_at", "ended_at", "-ended_at", "reference", "-reference"]
# "finished" is the word people use; the stored state of a case that reached its end.
STATES = {
    "running": InstanceState.RUNNING,
    "finished": InstanceState.COMPLETED,
    "completed": InstanceState.COMPLETED,
    "cancelled": InstanceState.CANCELLED,
}
MAX_LIMIT = 200
# A list needs the client, never the engine's workflow JSON (the largest column by far).
_LISTED = (defer(ProcessInstance.workflow_state), joinedload(ProcessInstance.client))


@dataclass(frozen=True)
class CaseFilter:
    reference: str | None = None  # a prefix, case ignored
    model: str | None = None
    state: str | None = None
    organisation: str | None = None  # served by (team) or has a task of
    step: str | None = None  # bpmn id of an open task
    started_from: datetime | None = None
    started_to: datetime | None = None
    ended_from: datetime | None = None
    ended_to: datetime | None = None
    sort: str = "-started_at"
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class CaseRow:
    instance: ProcessInstance
    open_tasks: Sequence[Task] = field(default_factory=tuple)


@dataclass(frozen=True)
class CasePage:
    total: int
    rows: Sequence[CaseRow]


def search(
    session: Session, *, where: CaseFilter, actor: Actor, purpose: str = "find cases"
) -> CasePage:
    """The cases the actor may see that match, one page of them, and how many match."""
    scope = _scope(session, actor)
    conditions = [*_visible(scope), *_matching(session, where)]
    total = session.scalar(select(func.count()).select_from(ProcessInstance).where(*conditions))
    query = _ordered(select(ProcessInstance), where.sort).where(*conditions)
    found = session.scalars(query.options(*_LISTED).limit(where.limit).offset(where.offset)).all()
    rows = _with_open_tasks(session, found)
    audit.record(
        session,
        actor=actor.login,
        action="case.searched",
        details={"purpose": purpose[:200], "total": total or 0, "shown": [i.id for i in found]},
    )
    return CasePage(total=total or 0, rows=rows)


def of_client(
    session: Session, *, reference: str, actor: Actor, purpose: str = "client page"
) -> CasePage:
    """Every case of one client the actor may see, newest first; none visible is not found."""
    scope = _scope(session, actor)
    query = (
        select(ProcessInstance)
        .join(Client)
        .where(func.lower(Client.reference) == reference.lower(), *_visible(scope))
        .options(*_LISTED)
        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
        .limit(MAX_LIMIT)
    )
    found = session.scalars(query).all()
    if not found:
        # The same answer whether the client does not exist or is served elsewhere.
        raise NotFound("no case of this client that you may see")
    audit.record(
        session,
        actor=actor.login,
        action="client.read",
        details={"purpose": purpose[:200], "shown": [i.id for i in found]},
    )
    return CasePage(total=len(found), rows=_with_open_tasks(session, found))


def _scope(session: Session, actor: Actor) -> Organisation | None:
    """The organisation whose cases the actor sees, or None for every case."""
    organisation_id = permissions.task_scope(actor)  # caseworkers and managers, or all
    if organisation_id is None:
        return None
    return session.get(Organisation, organisation_id)


def _visible(scope: Organisation | None) -> list[ColumnElement[bool]]:
    if scope is None:
        return []
    # The case page's rule (`permissions.require_case_reader`): the organisation is in the
    # case's team. A task's organisation is always the team member of its lane's kind, so
    # every organisation holding a task is in the team too; and an organisation holds at
    # most one place in a team, the one of its kind.
    return [ProcessInstance.team[scope.kind].as_string() == scope.code]


def _matching(session: Session, where: CaseFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.reference:
        conditions.append(_reference_prefix(where.reference, session.get_bind().dialect.name))
    if where.model:
        versions = (
            select(ProcessVersion.id).join(ProcessModel).where(ProcessModel.key == where.model)
        )
        conditions.append(ProcessInstance.version_id.in_(versions))
    if where.state:
        if where.state not in STATES:
            raise InvalidData(f"state is one of {', '.join(STATES)}")
        conditions.append(ProcessInstance.state == STATES[where.state])
    if where.organisation:
        conditions.append(_served_by(session, where.organisation))
    if where.step:
        conditions.append(
            exists().where(
                Task.instance_id == ProcessInstance.id,
                Task.bpmn_id == where.step,
                Task.state == TaskState.OPEN,
            )
        )
    conditions.extend(_between(ProcessInstance.started_at, where.started_from, where.started_to))
    conditions.extend(_between(ProcessInstance.ended_at, where.ended_from, where.ended_to))
    return conditions


def _versions_of(model_key: str) -> Select[int]:
    return select(ProcessVersion.id).join(ProcessModel).where(ProcessModel.key == model_key)


def _reference_prefix(prefix: str, dialect: str) -> ColumnElement[bool]:
    # References hold letters, digits, '.', '_' and '-': escape the LIKE wildcard '_'.
    lowered = prefix.lower()
    escaped = lowered.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    folded = func.lower(Client.reference)
    matching = select(Client.id).where(folded.like(escaped + "%", escape="\\"))
    if dialect == "sqlite":
        # PostgreSQL reads LIKE 'p%' from its text_pattern_ops index; SQLite reads only a
        # range from its index on lower(reference). References are ASCII and SQLite
        # compares bytes, so every one that starts with p lies between p and p + DEL.
        matching = matching.where(folded >= lowered, folded < lowered + "\x7f")
    return ProcessInstance.client_id.in_(matching)


def _served_by(session: Session, code: str) -> ColumnElement[bool]:
    organisation = session.scalar(select(Organisation).where(Organisation.code == code))
    if organisation is None:
        return ProcessInstance.id.is_(None)  # nothing matches an organisation that is not
    return and_(*_visible(organisation))


def _between(
    column: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
    start: datetime | None,
    end: datetime | None,
) -> list[ColumnElement[bool]]:
    for moment in (start, end):
        if moment is not None and moment.tzinfo is None:
            raise InvalidData("dates and times name their zone (e.g. 2026-12-01T00:00:00+02:00)")
    bounds = []
    if start is not None:
        bounds.append(column >= start)
    if end is not None:
        bounds.append(column < end)
    return [and_(*bounds)] if bounds else []


def _ordered(query: Select[ProcessInstance], sort: str) -> Select[ProcessInstance]:
    if sort not in SORTS:
        raise InvalidData(f"sort is one of {', '.join(SORTS)}")
    name = sort.lstrip("-")
    if name == "reference":
        query = query.join(Client)  # only then: the page's rows load their client anyway
    column = Client.reference if name == "reference" else getattr(ProcessInstance, name)
    first = column.desc() if sort.startswith("-") else column.asc()
    tie = ProcessInstance.id.desc() if sort.startswith("-") else ProcessInstance.id.asc()
    if name == "ended_at":  # running cases have not ended: they come last either way
        first = first.nulls_last()
    return query.order_by(first, tie)


def _with_open_tasks(session: Session, found: Sequence[ProcessInstance]) -> list[CaseRow]:
    if not found:
        return []
    open_tasks = session.scalars(
        select(Task)
        .options(joinedload(Task.organisation))
        .where(Task.instance_id.in_([i.id for i in found]), Task.state == TaskState.OPEN)
        .order_by(Task.created_at, Task.id)
    ).all()
    by_case: dict[int, list[Task]] = {}
    for task in open_tasks:
        by_case.setdefault(task.instance_id, []).append(task)
    return [CaseRow(instance, by_case.get(instance.id, [])) for instance in found]


def running_of(session: Session, *, client_id: int, model_key: str) -> Sequence[int]:
    """Ids of the client's running cases of one pathway (any version)."""
    versions = _versions_of(model_key)
    return session.scalars(
        select(ProcessInstance.id).where(
            ProcessInstance.client_id == client_id,
            ProcessInstance.state == InstanceState.RUNNING,
            ProcessInstance.version_id.in_(versions),
        )
    ).all()
