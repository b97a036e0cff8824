"""Caseworkers' pages for cases: the client's timeline, and starting a pathway.

Opening a case page is logged as a read of client data (through `cases.show`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from pathways.cases import moves
from pathways.cases import service as cases
from pathways.edge.caller import Tx
from pathways.edge.params import RowId
from pathways.errors import Conflict, DuplicateCase, InvalidData, NotFound
from pathways.notes import pages as notes_pages
from pathways.people import permissions
from pathways.people import service as people
from pathways.people.models import OrganisationKind
from pathways.processes import service as processes
from pathways.record import pages as record_pages
from pathways.tasks.models import TaskState
from pathways.web import views
from pathways.web.caller import PageCall, PageCallDep
from pathways.web.i18n import _, local_name
from pathways.web.templating import render

router = APIRouter(include_in_schema=False)
_CLIENT_FIELDS = (
    "pathway",
    "reference",
    "municipality",
    "contact_language",
    "integration_language",
)


@router.get("/cases/new")
def new_case_page(request: Request, call: PageCallDep) -> Response:
    with call.begin() as tx:
        return _new_case_form(request, call, tx, values={}, problem=None)


@router.post("/cases/new")
def start_case(request: Request, call: PageCallDep) -> Response:
    values = {name: call.field(name)[:64] for name in _CLIENT_FIELDS}
    try:
        with call.begin() as tx:
            instance = cases.start(
                tx.session,
                model=values["pathway"],
                client=cases.NewClient(
                    reference=values["reference"],
                    municipality=values["municipality"],
                    contact_language=values["contact_language"].lower() or None,
                    integration_language=values["integration_language"] or None,
                ),
                data={},
                actor=tx.actor,
                settings=tx.settings,
                duplicate_confirmed=call.field("duplicate") == "confirmed",
            )
            case_id = instance.id
        return RedirectResponse(f"/cases/{case_id}", status_code=303)
    except DuplicateCase:
        problem = _(
            "A case of this pathway is already running for this client. Open it from the"
            " client's page, or confirm that a second case is needed."
        )
        with call.begin() as tx:
            return _new_case_form(
                request, call, tx, values=values, problem=problem, status=409, duplicate=True
            )
    except (InvalidData, NotFound, Conflict) as error:
        problem = _explain_start_failure(error, values)
    with call.begin() as tx:
        return _new_case_form(request, call, tx, values=values, problem=problem, status=422)


def _explain_start_failure(error: Exception, values: dict[str, str]) -> str:
    """The reason in the page's language; the service's English reason stays in the log."""
    if isinstance(error, NotFound):
        return _("Choose a pathway and a municipality from the lists.")
    if not values["reference"]:
        return _("Enter the client reference.")
    return _(
        "Check the client reference (letters, digits, '.', '_' or '-') and the languages"
        " (a two- or three-letter code such as fi, sv or ar)."
    )


def _new_case_form(
    request: Request,
    call: PageCall,
    tx: Tx,
    *,
    values: dict[str, str],
    problem: str | None,
    status: int = 200,
    duplicate: bool = False,
) -> Response:
    pathways = [
        (model.key, model.name)
        for model, _count, latest in processes.list_models(tx.session)
        if latest
    ]
    municipalities = [
        (o.code, o.name)
        for o in people.list_organisations(tx.session)
        if o.kind == OrganisationKind.MUNICIPALITY
    ]
    context: dict[str, Any] = {
        **call.layout(tx),
        "pathways": pathways,
        "municipalities": municipalities,
        "values": {name: values.get(name, "") for name in _CLIENT_FIELDS},
        "problem": problem,
        "duplicate": duplicate,
    }
    return render(request, "cases/new.html", context, status=status)


@router.get("/cases/{case_id}")
def case_page(
    request: Request,
    case_id: RowId,
    call: PageCallDep,
    consent: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    """The client's path across organisations: done, open, waiting deadlines, history."""
    with call.begin() as tx:
        view = cases.show(tx.session, instance_id=case_id, actor=tx.actor, purpose="case page")
        done = [t for t in view.tasks if t.state == TaskState.COMPLETED]
        open_ = [t for t in view.tasks if t.state == TaskState.OPEN]
        context = {
            **call.layout(tx),
            "instance": view.instance,
            "done": done,
            "open": [(t, views.badge(t, tx.settings)) for t in open_],
            "openable": {t.id for t in open_ if permissions.may_read_task(tx.actor, t)},
            "cancelled": [t for t in view.tasks if t.state == TaskState.CANCELLED],
            "deadlines": _deadlines(view),
            "history": cases.timeline(tx.session, view),
            "step_names": {t.id: t.name for t in view.tasks},
            "team": _team_names(tx, view.instance.team),
            "municipality": _team_names(tx, {"municipality": view.instance.client.municipality})[0],
            **notes_pages.panel(
                tx, instance_id=case_id, team=view.instance.team, purpose="case page"
            ),
            **record_pages.case_section(tx, view.instance, list(view.tasks)),
            "consent_notice": consent,
            "moved_to": moves.moved_to(tx.session, case_id),
        }
        return render(request, "cases/case.html", context)


def _deadlines(view: cases.CaseView) -> list[tuple[datetime, str]]:
    """Waiting timers, each named by the step it is attached to when there is one."""
    steps = {t.spiff_task_id: t.name for t in view.tasks}
    return [
        (timer.due_at, steps.get(timer.attached_to or "", timer.bpmn_id.replace("_", " ")))
        for timer in view.timers
        if timer.state == "waiting"
    ]


def _team_names(tx: Tx, team: dict[str, str]) -> list[str]:
    names = []
    for code in team.values():
        try:
            names.append(local_name(people.get_organisation(tx.session, code)))
        except NotFound:
            names.append(code)
    return names
