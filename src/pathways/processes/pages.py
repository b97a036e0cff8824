"""Pages of the process designer: the list of pathways and the modeler of one.

The modeler page carries no model data: its script fetches the XML and everything
else from the JSON API, which checks permissions on every call.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from pathways.forms import render as render_form
from pathways.forms.service import FormCatalog
from pathways.organisation_kinds import ENGLISH_NAMES
from pathways.people import permissions
from pathways.processes import service as processes
from pathways.web.caller import PageCallDep
from pathways.web.i18n import form_text
from pathways.web.templating import DIAGRAM_CSP, STATIC_DIR, render

router = APIRouter(include_in_schema=False)
BUNDLE = STATIC_DIR / "build" / "modeler.js"
KINDS = json.dumps([{"code": kind.value, "name": name} for kind, name in ENGLISH_NAMES.items()])


@router.get("/models")
def models_page(request: Request, call: PageCallDep) -> Response:
    with call.begin() as tx:
        permissions.require_designer(tx.actor)
        models = [
            {"key": m.key, "name": m.name, "versions": count, "deployed": deployed}
            for m, count, deployed in processes.list_models(tx.session)
        ]
        return render(request, "models.html", {**call.layout(tx), "models": models})


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
