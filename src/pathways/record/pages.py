"""The record on the case page: what each step recorded, and the client's consents.

The case page adds `case_section(...)` to its context and includes
`record/case.html`; consents are recorded and withdrawn by posting its forms here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from pathways import clock
from pathways.audit import service as audit
from pathways.cases import service as cases
from pathways.cases.models import ProcessInstance
from pathways.cases.progress import lock_instance
from pathways.edge.caller import Tx
from pathways.edge.params import RowId
from pathways.errors import Conflict, InvalidData, NotFound, NotPermitted
from pathways.forms import render
from pathways.people import permissions
from pathways.record import consents
from pathways.record import service as record
from pathways.record.corrections import correct
from pathways.record.models import RecordEntry
from pathways.record.reopening import MAX_REASON, reopen, require_reopener
from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from pathways.web.caller import PageCall, PageCallDep
from pathways.web.i18n import _, form_text
from pathways.web.templating import render as render_page

router = APIRouter(include_in_schema=False)
PURPOSE = "case_view"


def case_section(tx: Tx, instance: ProcessInstance, tasks: list[Task]) -> dict[str, Any]:
    """The readable record of the steps the caller sees, the consents, and the consent form."""
    seen = {t.id for t in tasks}
    entries = [e for e in record.entries_of(tx.session, instance.id) if e.task_id in seen]
    try:
        consents.require_consent_keeper(tx.actor, instance)
        may_keep = True
    except NotPermitted:
        may_keep = False
    outside = [k for k in instance.team if k in consents.OUTSIDE_TEAM]
    return {
        "record_entries": record.readable(
            tx.session, actor=tx.actor, instance=instance, purpose=PURPOSE, entries=entries
        ),
        "consents": record.consents_of(tx.session, instance.id),
        "may_keep_consent": may_keep,
        "consent_kinds": outside or list(consents.OUTSIDE_TEAM),
        "today": clock.now().date().isoformat(),
    }


@router.post("/cases/{case_id}/consents")
def give_consent(case_id: RowId, call: PageCallDep) -> Response:
    kinds = [k for k in call.form.getlist("kinds") if isinstance(k, str)][:10]
    try:
        with call.begin() as tx:
            consents.give(
                tx.session,
                instance=lock_instance(tx.session, case_id),
                kinds=kinds,
                steps=[],
                given_on=_day(call.field("given_on")),
                method=call.field("method"),
                actor=tx.actor,
            )
    except InvalidData:
        return RedirectResponse(f"/cases/{case_id}?consent=invalid#consents", status_code=303)
    return RedirectResponse(f"/cases/{case_id}?consent=given#consents", status_code=303)


@router.post("/cases/{case_id}/consents/{consent_id}/withdraw")
def withdraw_consent(case_id: RowId, consent_id: RowId, call: PageCallDep) -> Response:
    try:
        with call.begin() as tx:
            consents.withdraw(
                tx.session,
                instance=lock_instance(tx.session, case_id),
                consent_id=consent_id,
                withdrawn_on=clock.now().date(),
                actor=tx.actor,
            )
    except (Conflict, NotFound):
        return RedirectResponse(f"/cases/{case_id}?consent=invalid#consents", status_code=303)
    return RedirectResponse(f"/cases/{case_id}?consent=withdrawn#consents", status_code=303)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidData("the day consent was given is a date") from None


@router.get("/tasks/{task_id}/correct")
def correction_page(request: Request, task_id: RowId, call: PageCallDep) -> Response:
    with call.begin() as tx:
        task, instance, entry = _correctable(tx, task_id)
        return _correction_form(request, call, tx, task, instance, dict(entry.data), "", None)


@router.post("/tasks/{task_id}/correct")
def correct_step(request: Request, task_id: RowId, call: PageCallDep) -> Response:
    reason = call.field("correction_reason")[:1000]
    with call.begin() as tx:
        task, instance, entry = _correctable(tx, task_id)
        schema = instance.version.forms.get(entry.form) or {}
        data = render.read_form(schema, call.form)
    changes = {k: data.get(k) for k in {*data, *entry.data} if data.get(k) != entry.data.get(k)}
    try:
        with call.begin() as tx:
            task = tasks.get(tx.session, task_id)
            correct(
                tx.session,
                task=task,
                instance=lock_instance(tx.session, task.instance_id),
                changes=changes,
                reason=reason,
                actor=tx.actor,
            )
        return RedirectResponse(f"/tasks/{task_id}", status_code=303)
    except (InvalidData, Conflict) as refused:
        problem = _why_not(refused, reason, changes)
    with call.begin() as tx:
        task, instance, _entry = _correctable(tx, task_id)
        return _correction_form(request, call, tx, task, instance, data, reason, problem)


def _why_not(refused: Exception, reason: str, changes: dict[str, Any]) -> str:
    """The reason in the page's language; the service's English one stays in the log."""
    if isinstance(refused, Conflict):
        return _(
            "These answers can no longer be corrected: a later step has been completed,"
            " or the case took its path from them."
        )
    if not changes:
        return _("Change at least one answer.")
    if not reason:
        return _("Give the reason for the correction.")
    return _("Check the answers: they must still fit the form.")


def _correctable(tx: Tx, task_id: int) -> tuple[Task, ProcessInstance, RecordEntry]:
    """The completed step, for a caseworker of the organisation that recorded it."""
    task = tasks.get(tx.session, task_id)
    permissions.require_caseworker_of(tx.actor, task.organisation_id)
    entry = record.entry_of_task(tx.session, task.id)
    if entry is None:
        raise NotFound(f"step {task_id} has no recorded answers")
    return task, cases.get(tx.session, task.instance_id), entry


def _correction_form(
    request: Request,
    call: PageCall,
    tx: Tx,
    task: Task,
    instance: ProcessInstance,
    data: dict[str, Any],
    reason: str,
    problem: str | None,
) -> Response:
    entry_form = record.entry_of_task(tx.session, task.id)
    assert entry_form is not None
    forms = instance.version.forms
    schema = forms.get(entry_form.form) or {}
    ui = forms.get(task.ui_form) if task.ui_form else None
    audit.record(
        tx.session,
        actor=tx.actor.login,
        action="record.read",
        instance_id=instance.id,
        task_id=task.id,
        details={"purpose": "correction", "entries": [entry_form.id]},
    )
    context = {
        **call.layout(tx),
        "task": task,
        "fields": render.fields(schema, ui, data, {}, form_text),
        "reason": reason,
        "problem": problem,
    }
    return render_page(request, "record/correct.html", context, status=422 if problem else 200)


@router.get("/tasks/{task_id}/reopen")
def reopen_page(request: Request, task_id: RowId, call: PageCallDep) -> Response:
    """The confirmation before a manager sends the case back to a completed step."""
    with call.begin() as tx:
        task = tasks.get(tx.session, task_id)
        require_reopener(tx.actor, task)
        return _reopen_form(request, call, tx, task, "", None)


@router.post("/tasks/{task_id}/reopen")
def reopen_step(request: Request, task_id: RowId, call: PageCallDep) -> Response:
    reason = call.field("reopen_reason")[:MAX_REASON]
    try:
        with call.begin() as tx:
            task = tasks.get(tx.session, task_id)
            reopen(
                tx.session,
                task=task,
                instance=lock_instance(tx.session, task.instance_id),
                reason=reason,
                actor=tx.actor,
                settings=tx.settings,
            )
        return RedirectResponse(f"/tasks/{task_id}", status_code=303)
    except Conflict:
        problem = _(
            "This step can no longer be reopened: another organisation has acted on the"
            " hand-off, or the case or the step has moved on."
        )
    except InvalidData:
        problem = _("Give the reason for reopening the step.")
    with call.begin() as tx:
        return _reopen_form(request, call, tx, tasks.get(tx.session, task_id), reason, problem)


def _reopen_form(
    request: Request, call: PageCall, tx: Tx, task: Task, reason: str, problem: str | None
) -> Response:
    context = {**call.layout(tx), "task": task, "reason": reason, "problem": problem}
    return render_page(request, "record/reopen.html", context, status=422 if problem else 200)
