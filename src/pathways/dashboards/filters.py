"""What a manager narrows a view to, and the conditions that say it in SQL.

Names (organisation code, model key, login) are resolved to ids once, so the big
queries filter on indexed integer columns of `task` and `process_instance`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, literal_column, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from pathways.cases.models import ProcessInstance
from pathways.errors import NotFound
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.people.models import Organisation, User
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.tasks.models import Task

# Written as a literal, not a bound parameter: the planner can then prove the partial
# indexes on open tasks apply (dashboards/models.py), which it cannot for `$1`.
IS_OPEN: ColumnElement[bool] = Task.state == literal_column("'open'")


@dataclass(frozen=True)
class DashboardFilter:
    organisation: str | None = None  # organisation code
    model: str | None = None  # pathway (process model key)
    step: str | None = None  # BPMN id of the user task
    assignee: str | None = None  # login
    due_after: datetime | None = None
    due_before: datetime | None = None


def organisation_in_view(session: Session, *, actor: Actor, where: DashboardFilter) -> int | None:
    """The one organisation the view shows, or None for all; refuses what is out of scope."""
    scope = permissions.dashboard_scope(actor)
    if where.organisation is None:
        return scope
    organisation_id = _id(
        session, Organisation.id, Organisation.code, where.organisation, "organisation"
    )
    permissions.require_dashboard_organisation(scope, organisation_id)
    return organisation_id


def model_id(session: Session, key: str) -> int:
    return _id(session, ProcessModel.id, ProcessModel.key, key, "pathway")


def conditions(
    session: Session, *, actor: Actor, where: DashboardFilter
) -> list[ColumnElement[bool]]:
    """The actor's scope and the filter, over `Task` (joined to `ProcessInstance`)."""
    found: list[ColumnElement[bool]] = []
    organisation_id = organisation_in_view(session, actor=actor, where=where)
    if organisation_id is not None:
        found.append(Task.organisation_id == organisation_id)
    if where.model is not None:
        versions = select(ProcessVersion.id).where(
            ProcessVersion.model_id == model_id(session, where.model)
        )
        found.append(ProcessInstance.version_id.in_(versions.scalar_subquery()))
    if where.step is not None:
        found.append(Task.bpmn_id == where.step)
    if where.assignee is not None:
        found.append(Task.assignee_id == _id(session, User.id, User.login, where.assignee, "user"))
    if where.due_after is not None:
        found.append(Task.due_at >= where.due_after)
    if where.due_before is not None:
        found.append(Task.due_at < where.due_before)
    return found


def _id(
    session: Session,
    key: InstrumentedAttribute[int],
    column: InstrumentedAttribute[str],
    name: str,
    what: str,
) -> int:
    found = session.scalar(select(key).where(column == name))
    if found is None:
        raise NotFound(f"no such {what}")
    return found
