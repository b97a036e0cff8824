"""Failures on pages answered as a friendly HTML page; the API keeps problem+json.

`install` wraps the API's handlers: a request under a page route gets HTML, anything
under `/api` (and the other machine-facing routes) gets exactly what it got before.
A page asked for without a live session redirects to the login page.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from pathways.db.session import transaction
from pathways.edge.caller import COOKIE
from pathways.errors import PathwaysError, Unauthenticated
from pathways.keys import secret_key
from pathways.people import sessions
from pathways.web.caller import StaleForm, login_url
from pathways.web.templating import render

log = logging.getLogger("pathways.http")
_MACHINE_PREFIXES = ("/api", "/docs", "/openapi.json", "/healthz", "/metrics", "/redoc")
Handler = Callable[[Request, Exception], Response | Awaitable[Response]]


def is_page(request: Request) -> bool:
    path = request.url.path
    return not any(path == p or path.startswith(p + "/") for p in _MACHINE_PREFIXES)


def install(app: FastAPI) -> None:
    for kind, original in list(app.exception_handlers.items()):
        if isinstance(kind, type):
            app.add_exception_handler(kind, _for_pages(original))


def _for_pages(original: Handler) -> Handler:
    def handle(request: Request, error: Exception) -> Response | Awaitable[Response]:
        if not is_page(request):
            return original(request, error)
        return page_error(request, error)

    return handle


def page_error(request: Request, error: Exception) -> Response:
    if isinstance(error, Unauthenticated):
        return RedirectResponse(login_url(request), status_code=303)
    status, kind = _classify(error)
    if status >= 500:
        log.error("page failed", exc_info=error)
        return _error_page(request, status, kind, None)
    return _with_caller(request, status, kind)


def _error_page(
    request: Request, status: int, kind: str, layout: dict[str, Any] | None
) -> Response:
    context: dict[str, Any] = {"status": status, "kind": kind, "user": None, **(layout or {})}
    return render(request, "web/error.html", context, status=status)


def _with_caller(request: Request, status: int, kind: str) -> Response:
    """The error page keeps the header and navigation of whoever is logged in."""
    token = request.cookies.get(COOKIE)
    if not token:
        return _error_page(request, status, kind, None)
    settings = request.app.state.settings
    try:
        with transaction(request.app.state.engine) as session:
            user = sessions.resolve(session, token=token, settings=settings)
            if user is None:
                return _error_page(request, status, kind, None)
            csrf = sessions.csrf_token(token, secret_key(settings))
            return _error_page(request, status, kind, {"user": user, "csrf": csrf})
    except SQLAlchemyError:  # the database failing here too: the page without the caller
        return _error_page(request, status, kind, None)


def _classify(error: Exception) -> tuple[int, str]:
    """The status and which friendly explanation the error page shows."""
    if isinstance(error, StaleForm):
        return error.status, "stale"
    if isinstance(error, PathwaysError):
        kinds = {403: "forbidden", 404: "missing", 409: "conflict", 429: "throttled"}
        return error.status, kinds.get(error.status, "invalid")
    if isinstance(error, HTTPException):
        return error.status_code, "missing" if error.status_code in (404, 405) else "invalid"
    name = type(error).__name__
    if name == "RequestValidationError":
        return 404, "missing"  # e.g. /tasks/abc: no such page
    if name == "OperationalError":
        return 503, "unavailable"
    return 500, "broken"
