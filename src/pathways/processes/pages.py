"""Pages of the process designer: the list of pathways and the modeler of one.

The modeler page carries no model data: its script fetches the XML and everything
else from the JSON API, which checks permissions on every call.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from pathways.edge.caller import Tx
from pathways.errors import Conflict, InvalidData, InvalidModel
from pathways.forms import render as render_form
from pathways.forms.service import FormCatalog
from pathways.organisation_kinds import ENGLISH_NAMES
from pathways.people import permissions
from pathways.processes import service as processes
from pathways.processes import starting_points
from pathways.web.caller import PageCall, PageCallDep
from pathways.web.i18n import _, form_text
from pathways.web.templating import DIAGRAM_CSP, STATIC_DIR, render

router = APIRouter(include_in_schema=False)
BUNDLE = STATIC_DIR / "build" / "modeler.js"
KINDS = json.dumps([{"code": kind.value, "name": name} for kind, name in ENGLISH_NAMES.items()])


@router.get("/models")
def models_page(request: Request, call: PageCallDep) -> Response:
    with call.begin() as tx:
        return _models(request, call, tx, values={}, problem=None)


@router.post("/models")
def create_model(request: Request, call: PageCallDep) -> Response:
    """A new pathway from a starting point, saved as its first draft; the modeler opens it."""
    values = {n: call.field(n)[:200] for n in ("starting_point", "key", "name")}
    try:
        with call.begin() as tx:
            starting_points.create(
                tx.session,
                starting_point=values["starting_point"],
                key=values["key"],
                name=values["name"],
                actor=tx.actor,
                settings=tx.settings,
            )
        return RedirectResponse(f"/models/{values['key']}", status_code=303)
    except Conflict:
        problem, status = _("A pathway with this key exists already."), 409
    except (InvalidData, InvalidModel):
        problem, status = (
            _(
                "Choose a starting point, give a name, and write the key in"
                " lower-case letters, digits or _, a letter first."
            ),
            422,
        )
    with call.begin() as tx:
        return _models(request, call, tx, values=values, problem=problem, status=status)


def _models(
    request: Request,
    call: PageCall,
    tx: Tx,
    *,
    values: dict[str, str],
    problem: str | None,
    status: int = 200,
) -> Response:
    permissions.require_designer(tx.actor)
    models = [
        {"key": m.key, "name": m.name, "versions": count, "deployed": deployed}
        for m, count, deployed in processes.list_models(tx.session)
    ]
    context = {
        **call.layout(tx),
        "models": models,
        "starting_points": starting_points.starting_points(tx.settings),
        "blank": starting_points.BLANK,
        "values": values,
        "problem": problem,
    }
    return render(request, "models.html", context, status=status)


@router.get("/models/form-preview")
def form_preview(
    request: Request,
    call: PageCallDep,
    schema: Annotated[str, Query(max_length=128)],
    ui: Annotated[str | None, Query(max_length=128)] = None,
) -> Response:
    """A user task's form drawn by the caseworkers' renderer, for the modeler to show."""
    with call.begin() as tx:
        permissions.require_designer(tx.actor)
        catalog = FormCatalog(tx.settings.forms_dir)
        form = catalog.load(schema)
        hints = catalog.load(ui) if ui else None
        shown = render_form.fields(form, hints, {}, {}, form_text)
        title = form.get("title") if isinstance(form.get("title"), str) else None
        return render(request, "form_preview.html", {"fields": shown, "title": title})


@router.get("/models/{key}")
def modeler_page(key: str, request: Request, call: PageCallDep) -> Response:
    with call.begin() as tx:
        permissions.require_designer(tx.actor)
        name = processes.get_model(tx.session, key).name
        context = {**call.layout(tx), "key": key, "name": name, "kinds": KINDS}
        page = render(request, "modeler.html", {**context, "built": BUNDLE.is_file()})
    page.headers["Content-Security-Policy"] = DIAGRAM_CSP
    return page
