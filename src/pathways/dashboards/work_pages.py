"""The manager's work behind the dashboard: the tasks a count stands for, and handing
one task, or all of an absent person's open tasks, to a colleague after a confirmation.

Reassigning goes through `tasks.service` (`assign` for one task, `reassign_all` as the
CLI's `dashboard reassign` does), so the same permission checks and audit records apply;
the page checks the caller may reassign before it shows anything about the task.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from pathways import clock
from pathways.dashboards import workload
from pathways.dashboards.pages import TypedFilters
from pathways.edge.caller import Tx
from pathways.edge.params import RowId
from pathways.errors import Conflict, NotFound, NotPermitted
from pathways.people import permissions
from pathways.people import service as people
from pathways.people.models import User
from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from pathways.web import views
from pathways.web.caller import PageCall, PageCallDep, local_path
from pathways.web.i18n import _
from pathways.web.templating import render

router = APIRouter(include_in_schema=False)
Next = Annotated[str | None, Query(max_length=2000)]
SHOWN = 500


def standing_names() -> dict[str, str]:
    return {
        "open": _("Open tasks"),
        "at_risk": _("Tasks at risk"),
        "overdue": _("Overdue tasks"),
        "due_week": _("Tasks due in the next 7 days"),
    }


@router.get("/dashboard/tasks")
def tasks_page(
    request: Request,
    call: PageCallDep,
    typed: TypedFilters,
    standing: workload.Standing = workload.Standing.OPEN,
) -> Response:
    """The open tasks behind one of the dashboard's counts, with the same filters."""
    now = clock.now()
    with call.begin() as tx:
        found = workload.tasks_in_view(
            tx.session,
            actor=tx.actor,
            filters=typed.filters(),
            standing=standing,
            now=now,
            window=tx.settings.deadlines.at_risk_window,
            limit=SHOWN,
        )
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        context = {
            **call.layout(tx),
            "title": standing_names()[standing.value],
            "rows": [(t, views.due_text(t.due_at, now)) for t in found],
            "cut": len(found) == SHOWN,
            "back": f"/dashboard?{typed.query()}" if typed.query() else "/dashboard",
            "here": here,
        }
        return render(request, "dashboards/tasks.html", context)


@router.get("/tasks/{task_id}/reassign")
def reassign_task_page(
    request: Request, task_id: RowId, call: PageCallDep, next: Next = None
) -> Response:
    with call.begin() as tx:
        task = _assignable(tx, task_id)
        return _task_form(request, call, tx, task, next, problem=None)


@router.post("/tasks/{task_id}/reassign")
def reassign_task(request: Request, task_id: RowId, call: PageCallDep) -> Response:
    target = local_path(call.field("next"), f"/tasks/{task_id}")
    with call.begin() as tx:
        task = _assignable(tx, task_id)
        try:
            tasks.assign(
                tx.session,
                task_id=task.id,
                assignee=call.field("to")[:64],
                actor=tx.actor,
                settings=tx.settings,
            )
        except (NotFound, NotPermitted):
            problem = _("Choose a caseworker of the task's organisation from the list.")
        except Conflict:
            problem = _("This task is no longer open: it was not reassigned.")
        else:
            return RedirectResponse(_with_notice(target, "reassigned"), status_code=303)
        # The services refuse before they change anything: nothing to undo here.
        return _task_form(request, call, tx, task, target, problem=problem, status=422)


def _assignable(tx: Tx, task_id: int) -> Task:
    """The task, once the caller is known to be a manager of its organisation."""
    task = tasks.get(tx.session, task_id)
    permissions.require_task_assigner(tx.actor, task)
    return task


def _task_form(
    request: Request,
    call: PageCall,
    tx: Tx,
    task: Task,
    next_page: str | None,
    *,
    problem: str | None,
    status: int = 200,
) -> Response:
    context: dict[str, Any] = {
        **call.layout(tx),
        "task": task,
        "due": views.due_text(task.due_at, clock.now()),
        "colleagues": workload.colleagues(
            tx.session, organisation_id=task.organisation_id, leaving_out=task.assignee_id
        ),
        "next": local_path(next_page, f"/tasks/{task.id}"),
        "problem": problem,
    }
    return render(request, "dashboards/reassign_task.html", context, status=status)


@router.get("/dashboard/people/{login}/reassign")
def reassign_person_page(
    request: Request, login: str, call: PageCallDep, next: Next = None
) -> Response:
    with call.begin() as tx:
        absent = _absent(tx, login[:64])
        return _person_form(request, call, tx, absent, next, problem=None)


@router.post("/dashboard/people/{login}/reassign")
def reassign_person(request: Request, login: str, call: PageCallDep) -> Response:
    target = local_path(call.field("next"), "/dashboard")
    with call.begin() as tx:
        absent = _absent(tx, login[:64])
        try:
            tasks.reassign_all(
                tx.session,
                from_login=absent.login,
                to_login=call.field("to")[:64] or None,
                actor=tx.actor,
                settings=tx.settings,
            )
        except (NotFound, NotPermitted):
            problem = _("Choose a caseworker of the same organisation from the list.")
        else:
            return RedirectResponse(_with_notice(target, "reassigned"), status_code=303)
        return _person_form(request, call, tx, absent, target, problem=problem, status=422)


def _absent(tx: Tx, login: str) -> User:
    """The person whose tasks move, once the caller is known to be their manager."""
    if tx.actor.user is None:
        raise NotPermitted("only a manager of the caseworker's organisation may reassign")
    try:
        absent = people.get_user(tx.session, login)
    except NotFound:
        # Unknown and out-of-scope logins are refused alike: the page reveals no one.
        raise NotPermitted("only a manager of the caseworker's organisation may reassign") from None
    permissions.require_reassigner(tx.actor, absent.organisation_id)
    return absent


def _person_form(
    request: Request,
    call: PageCall,
    tx: Tx,
    absent: User,
    next_page: str | None,
    *,
    problem: str | None,
    status: int = 200,
) -> Response:
    now = clock.now()
    held = [
        t
        for t in tasks.list_visible(
            tx.session, where=tasks.TaskFilter(assignee=absent.login, limit=500), actor=tx.actor
        )
        if t.organisation_id == absent.organisation_id
    ]
    context: dict[str, Any] = {
        **call.layout(tx),
        "absent": absent,
        "held": [(t, views.due_text(t.due_at, now)) for t in held],
        "colleagues": workload.colleagues(
            tx.session, organisation_id=absent.organisation_id, leaving_out=absent.id
        ),
        "next": local_path(next_page, "/dashboard"),
        "problem": problem,
    }
    return render(request, "dashboards/reassign_person.html", context, status=status)


def _with_notice(target: str, notice: str) -> str:
    return f"{target}{'&' if '?' in target else '?'}{notice}=1"
