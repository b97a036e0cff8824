"""Caseworkers' pages for tasks: the inbox, one task with its form, claim and release.

Every page runs in the request's one transaction through the same services as the API,
so the same permission checks and audit records apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pathways.cases import service as cases
from pathways.cases.models import ProcessInstance
from pathways.edge.caller import Tx
from pathways.edge.params import RowId
from pathways.errors import FieldError, InvalidData
from pathways.forms import render
from pathways.forms.service import validate_submission
from pathways.notes import pages as notes_pages
from pathways.people.models import Role
from pathways.processes import service as processes
from pathways.record import reopening
from pathways.record import service as record
from pathways.record.keeping import kept
from pathways.tasks import drafts
from pathways.tasks import service as tasks
from pathways.tasks.models import Task, TaskState
from pathways.web import views
from pathways.web.caller import PageCall, PageCallDep, local_path
from pathways.web.i18n import form_text
from pathways.web.templating import render as render_page

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=128)]
_PURPOSE = "task"


@dataclass(frozen=True)
class Row:
    """A task as a line of the inbox."""

    task: Task
    instance: ProcessInstance
    badge: views.Badge | None


@router.get("/")
def start_page(
    request: Request,
    call: PageCallDep,
    pathway: Text = None,
    step: Text = None,
    client: Text = None,
    due: Annotated[str | None, Query(max_length=10)] = None,
    overdue: bool = False,
) -> Response:
    """The inbox for caseworkers; links to their own pages for designers and managers."""
    with call.begin() as tx:
        if _administrator_only(tx):
            return RedirectResponse("/admin", status_code=303)
        if not tx.actor.has_role(Role.CASEWORKER):
            roles = {
                "designer": tx.actor.has_role(Role.DESIGNER),
                "manager": tx.actor.has_role(Role.MANAGER),
                "admin": tx.actor.has_role(Role.ADMIN),
            }
            return render_page(request, "web/start.html", {**call.layout(tx), **roles})
        filters = {"pathway": pathway, "step": step, "client": client, "due": due}
        where = tasks.TaskFilter(
            model=pathway or None,
            step=step or None,
            client=client or None,
            due_before=views.end_of_day(due),
            overdue=overdue,
            limit=200,
        )
        context = {**call.layout(tx), **_inbox(tx, where)}
        context.update(filters=filters, overdue_only=overdue, filtered=any(filters.values()))
        return render_page(request, "tasks/inbox.html", context)


def _administrator_only(tx: Tx) -> bool:
    """An administrator with no other role starts on the administration page."""
    others = (Role.CASEWORKER, Role.DESIGNER, Role.MANAGER)
    return tx.actor.has_role(Role.ADMIN) and not any(tx.actor.has_role(r) for r in others)


def _inbox(tx: Tx, where: tasks.TaskFilter) -> dict[str, Any]:
    """My tasks and my organisation's unclaimed queue, soonest due first, with counts."""
    assert tx.actor.user is not None
    login = tx.actor.user.login
    mine = _rows(
        tx, tasks.list_visible(tx.session, where=_with(where, assignee=login), actor=tx.actor)
    )
    queue = _rows(
        tx, tasks.list_visible(tx.session, where=_with(where, unassigned=True), actor=tx.actor)
    )
    standing = [row.badge.status for row in (*mine, *queue) if row.badge]
    models = processes.list_models(tx.session)
    return {
        "mine": mine,
        "queue": queue,
        "overdue_count": standing.count("overdue"),
        "at_risk_count": standing.count("at-risk"),
        "pathways": [(model.key, model.name) for model, _count, latest in models if latest],
        "steps": _steps(tx),
    }


def _with(where: tasks.TaskFilter, **changes: Any) -> tasks.TaskFilter:
    return tasks.TaskFilter(**{**where.__dict__, **changes})


def _rows(tx: Tx, found: Sequence[Task]) -> list[Row]:
    instances = _instances(tx.session, {t.instance_id for t in found})
    return [Row(t, instances[t.instance_id], views.badge(t, tx.settings)) for t in found]


def _instances(session: Session, ids: set[int]) -> dict[int, ProcessInstance]:
    if not ids:
        return {}
    found = session.scalars(
        select(ProcessInstance)
        .options(joinedload(ProcessInstance.client))
        .where(ProcessInstance.id.in_(ids))
    ).all()
    return {i.id: i for i in found}


def _steps(tx: Tx) -> list[tuple[str, str]]:
    """The steps that have open tasks in the caller's queue, for the step filter."""
    seen = {
        t.bpmn_id: t.name
        for t in tasks.list_visible(tx.session, where=tasks.TaskFilter(), actor=tx.actor)
    }
    return sorted(
        ((bpmn_id, form_text(name)) for bpmn_id, name in seen.items()), key=lambda s: s[1]
    )


@router.post("/tasks/{task_id}/claim")
def claim(task_id: RowId, call: PageCallDep) -> Response:
    with call.begin() as tx:
        tasks.claim(tx.session, task_id=task_id, actor=tx.actor)
    return RedirectResponse(local_path(call.field("next"), f"/tasks/{task_id}"), status_code=303)


@router.post("/tasks/{task_id}/release")
def release(task_id: RowId, call: PageCallDep) -> Response:
    with call.begin() as tx:
        tasks.release(tx.session, task_id=task_id, actor=tx.actor)
    return RedirectResponse(local_path(call.field("next"), "/"), status_code=303)


@router.get("/tasks/{task_id}")
def task_page(
    request: Request,
    task_id: RowId,
    call: PageCallDep,
    opened: Annotated[str | None, Query(max_length=200)] = None,
    saved: bool = False,
) -> Response:
    with call.begin() as tx:
        return _task_page(
            request, call, tx, task_id, data=None, errors=[], opened=opened, saved=saved
        )


@router.post("/tasks/{task_id}")
def work_on_task(request: Request, task_id: RowId, call: PageCallDep) -> Response:
    """Save a draft, add or remove a row of a repeatable group, or complete the task."""
    action = call.field("action")
    errors: list[FieldError] = []
    with call.begin() as tx:
        task = tasks.read(tx.session, task_id=task_id, actor=tx.actor, purpose=_PURPOSE)
        schema = _schema(tx, task)
        data = render.read_form(schema, call.form) if schema else {}
        if action.startswith(("add:", "remove:")):
            change = render.add_row if action.startswith("add:") else render.remove_row
            change(data, action.partition(":")[2])
            return _task_page(request, call, tx, task_id, data=data, errors=[])
        if action == "confirm":  # completes what the confirmation showed: the saved draft
            draft = drafts.find(tx.session, task_id=task_id, actor=tx.actor)
            if draft is None:
                return RedirectResponse(f"/tasks/{task_id}", status_code=303)
            data = dict(draft.data)
        elif action == "complete":  # first the answers are checked, kept and shown back
            data = kept(schema, data)  # what the step would not keep is not shown as kept
            errors = _check(schema, data)
            if not errors:
                drafts.save(tx.session, task=task, data=data, actor=tx.actor)
                return _task_page(request, call, tx, task_id, data=data, errors=[], confirm=True)
        else:  # "save", or Enter pressed in a field: never completes
            drafts.save(tx.session, task=task, data=data, actor=tx.actor)
            return RedirectResponse(f"/tasks/{task_id}?saved=1", status_code=303)
    if not errors:
        try:
            with call.begin() as tx:
                done = tasks.complete(
                    tx.session, task_id=task_id, data=data, actor=tx.actor, settings=tx.settings
                )
                opened = ",".join(str(t.id) for t in done.opened)
            return RedirectResponse(f"/tasks/{task_id}?opened={opened}", status_code=303)
        except InvalidData as invalid:
            errors = invalid.fields or [FieldError("", "invalid")]
    with call.begin() as tx:
        return _task_page(request, call, tx, task_id, data=data, errors=errors, status=422)


def _check(schema: dict[str, Any] | None, data: dict[str, Any]) -> list[FieldError]:
    """What completing would refuse in the answers, before anything is asked to confirm."""
    if schema is None:
        return []
    try:
        validate_submission(schema, data)
    except InvalidData as invalid:
        return invalid.fields or [FieldError("", "invalid")]
    return []


def _schema(tx: Tx, task: Task) -> dict[str, Any] | None:
    if task.form is None:
        return None
    instance = cases.get(tx.session, task.instance_id)
    return instance.version.forms.get(task.form)


def _task_page(
    request: Request,
    call: PageCall,
    tx: Tx,
    task_id: int,
    *,
    data: dict[str, Any] | None,
    errors: list[FieldError],
    opened: str | None = None,
    saved: bool = False,
    status: int = 200,
    confirm: bool = False,
) -> Response:
    task = tasks.read(tx.session, task_id=task_id, actor=tx.actor, purpose=_PURPOSE)
    instance = cases.get(tx.session, task.instance_id)
    draft = drafts.find(tx.session, task_id=task.id, actor=tx.actor)
    if data is None:
        data = dict(draft.data) if draft else {}
    forms = instance.version.forms
    schema = forms.get(task.form) if task.form else None
    ui = forms.get(task.ui_form) if task.ui_form else None
    placed = views.field_messages(errors)
    shown = render.fields(schema, ui, data, placed, form_text) if schema else []
    context = {
        **call.layout(tx),
        "task": task,
        "instance": instance,
        "badge": views.badge(task, tx.settings),
        "may_work": _may_work(tx, task),
        "schema": schema,
        "fields": shown,
        "wrong_fields": render.with_errors(shown),
        "form_errors": placed.get("", []),
        "error_count": len(errors),
        "draft": draft,
        "saved": saved,
        "handoff": _handoff(tx.session, task, opened),
        **notes_pages.panel(
            tx, instance_id=instance.id, team=instance.team, purpose=_PURPOSE, task_id=task.id
        ),
        "record": record.for_task(
            tx.session, actor=tx.actor, task=task, instance=instance, purpose=_PURPOSE
        ),
        "confirm": confirm and _may_work(tx, task),
        "may_reopen": reopening.may_reopen(tx.session, tx.actor, task, instance),
        "may_reassign": _may_reassign(tx, task),
        "reopenings": reopening.reopenings_of(tx.session, task.id),
    }
    return render_page(request, "tasks/task.html", context, status=status)


def _may_reassign(tx: Tx, task: Task) -> bool:
    """A manager of the task's organisation may hand the open task to a colleague."""
    user = tx.actor.user
    return (
        user is not None
        and task.state == TaskState.OPEN
        and tx.actor.has_role(Role.MANAGER)
        and task.organisation_id == user.organisation_id
    )


def _may_work(tx: Tx, task: Task) -> bool:
    user = tx.actor.user
    return (
        user is not None
        and task.state == TaskState.OPEN
        and tx.actor.has_role(Role.CASEWORKER)
        and task.organisation_id == user.organisation_id
        and task.assignee_id in (None, user.id)
    )


def _handoff(session: Session, task: Task, opened: str | None) -> list[Task] | None:
    """The tasks a completion opened, named in the redirect after it (same case only)."""
    if opened is None or task.state != TaskState.COMPLETED:
        return None
    ids = [int(part) for part in opened.split(",")[:20] if part.isdigit()]
    if not ids:
        return []
    return list(
        session.scalars(
            select(Task)
            .options(joinedload(Task.organisation))
            .where(Task.id.in_(ids), Task.instance_id == task.instance_id)
            .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
        )
    )
