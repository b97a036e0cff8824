"""Rendering pages, and the viewer of a page (or a redirect to the login page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from pathways.db.session import transaction
from pathways.edge.caller import COOKIE
from pathways.people import sessions
from pathways.people.actors import Actor

WEB = Path(__file__).parent
STATIC = WEB / "static"
PACKAGE = WEB.parent
# bpmn-js sets style attributes on the SVG it draws; scripts stay strictly our own.
CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

_environment = Environment(
    loader=FileSystemLoader(
        [WEB / "templates", *sorted(str(p) for p in PACKAGE.glob("*/templates"))]
    ),
    autoescape=select_autoescape(default=True),
)
templates = Jinja2Templates(env=_environment)
router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def viewer(request: Request) -> Actor | None:
    """The logged-in user looking at the page, or None."""
    token = request.cookies.get(COOKIE)
    if token is None:
        return None
    with transaction(request.app.state.engine) as session:
        user = sessions.resolve(session, token=token, settings=request.app.state.settings)
        if user is None:
            return None
        actor = Actor.of(user)
        _ = user.roles, user.organisation  # loaded now: used after the transaction ends
        return actor


def to_login(request: Request) -> Response:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


@router.get("/login")
def login(request: Request) -> HTMLResponse:
    return render(request, "login.html", {"viewer": None})


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    app.include_router(router)
