"""Pages of the process designer: the list of pathways and the modeler of one.

The modeler page carries no model data: its script fetches the XML and everything
else from the JSON API, which checks permissions on every call.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pathways.db.session import transaction
from pathways.errors import NotPermitted
from pathways.organisation_kinds import ENGLISH_NAMES
from pathways.people import permissions
from pathways.processes import service as processes
from pathways.web.pages import STATIC, render, to_login, viewer

router = APIRouter(include_in_schema=False)
BUNDLE = STATIC / "build" / "modeler.js"
KINDS = json.dumps([{"code": kind.value, "name": name} for kind, name in ENGLISH_NAMES.items()])


@router.get("/models", response_model=None)
def models_page(request: Request) -> Response:
    actor = viewer(request)
    if actor is None:
        return to_login(request)
    with transaction(request.app.state.engine) as session:
        rows = processes.list_models(session)
        models = [
            {"key": m.key, "name": m.name, "versions": count, "deployed": deployed}
            for m, count, deployed in rows
        ]
    return render(request, "models.html", {"viewer": actor, "models": models})


@router.get("/models/{key}", response_model=None)
def modeler_page(key: str, request: Request) -> Response:
    actor = viewer(request)
    if actor is None:
        return to_login(request)
    try:
        permissions.require_designer(actor)
    except NotPermitted as error:
        return HTMLResponse(error.message, status_code=403)
    with transaction(request.app.state.engine) as session:
        model = processes.get_model(session, key)
        name = model.name
    return render(
        request,
        "modeler.html",
        {"viewer": actor, "key": key, "name": name, "kinds": KINDS, "built": BUNDLE.is_file()},
    )
