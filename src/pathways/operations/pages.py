"""The administrators' operations page: incidents to retry or cancel (each after a
confirmation), the timer backlog, the mail queue and the service's health.

Incidents go through `incidents.service`, exactly as `/api/incidents` does (so they are
audited the same way); the other figures come from `operations.figures`, which `/metrics`
reads too. Both check that the caller is an administrator before anything else.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from pathways import clock
from pathways.edge.caller import Tx
from pathways.edge.params import RowId
from pathways.errors import Conflict
from pathways.incidents import service as incidents
from pathways.incidents.opening import STUCK
from pathways.operations import figures
from pathways.web.caller import PageCall, PageCallDep
from pathways.web.i18n import _, ngettext
from pathways.web.templating import render

router = APIRouter(include_in_schema=False)
Action = Literal["retry", "cancel"]


def timer_kind_names() -> dict[str, str]:
    return {
        "duration": _("Waiting periods and deadlines"),
        "date": _("Timers on a date"),
        "cycle": _("Repeating timers"),
    }


def reason_text(reason: str) -> Markup:
    """An incident's reason for people: the reasons Pathways itself gives, in the page's
    language; anything else is the engine's own diagnostic, shown verbatim as code."""
    if reason == STUCK:
        return escape(
            _(
                "The case can no longer move: nothing is open for anyone, no timer runs and no"
                " message is awaited."
            )
        )
    return Markup('<code class="wrap">%s</code>') % reason


def how_late(seconds: float) -> str:
    """A lateness in the largest whole unit, in the page's language."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("less than a minute")
    if minutes < 120:
        return ngettext("%(num)s minute", "%(num)s minutes", minutes) % {"num": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(num)s hour", "%(num)s hours", hours) % {"num": hours}
    days = hours // 24
    return ngettext("%(num)s day", "%(num)s days", days) % {"num": days}


@router.get("/operations")
def operations_page(request: Request, call: PageCallDep) -> Response:
    notices = {
        "retried": _("The incident was closed: the case's timers are tried again."),
        "cancelled": _("The incident was closed and its case cancelled."),
    }
    notice = notices.get(request.query_params.get("done", ""))
    with call.begin() as tx:
        return _operations(request, call, tx, notice=notice, problem=None)


def _operations(
    request: Request,
    call: PageCall,
    tx: Tx,
    *,
    notice: str | None,
    problem: str | None,
    status: int = 200,
) -> Response:
    now = clock.now()
    overview = figures.overview(tx.session, actor=tx.actor, now=now)
    context = {
        **call.layout(tx),
        "incidents": incidents.list_incidents(tx.session, actor=tx.actor),
        "overview": overview,
        "lateness": {t.kind: how_late(t.lateness_seconds(now)) for t in overview.timers},
        "kind_names": timer_kind_names(),
        "reason_text": reason_text,
        "notice": notice,
        "problem": problem,
    }
    return render(request, "operations/operations.html", context, status=status)


@router.get("/operations/incidents/{incident_id}/{action}")
def confirm_page(
    request: Request, incident_id: RowId, action: Action, call: PageCallDep
) -> Response:
    """The confirmation before an incident is retried or cancelled."""
    with call.begin() as tx:
        row = incidents.get_incident(tx.session, incident_id=incident_id, actor=tx.actor)
        context = {**call.layout(tx), "row": row, "action": action, "reason_text": reason_text}
        return render(request, "operations/confirm.html", context)


@router.post("/operations/incidents/{incident_id}/{action}")
def handle_incident(
    request: Request, incident_id: RowId, action: Action, call: PageCallDep
) -> Response:
    try:
        with call.begin() as tx:
            if action == "retry":
                incidents.retry(tx.session, incident_id=incident_id, actor=tx.actor)
            else:
                incidents.cancel(
                    tx.session, incident_id=incident_id, actor=tx.actor, settings=tx.settings
                )
        done = "retried" if action == "retry" else "cancelled"
        return RedirectResponse(f"/operations?done={done}", status_code=303)
    except Conflict:
        problem = _("This incident was handled already: nothing was changed.")
    with call.begin() as tx:
        return _operations(request, call, tx, notice=None, problem=problem, status=409)
