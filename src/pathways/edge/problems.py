"""Every failure answered once, as `application/problem+json` (RFC 9457).

Details never echo what the caller sent: validation errors name the field and the
rule, not the value, and name only fields the API declares (a key the caller chose, or
an unknown field, is not repeated).
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException
from starlette.types import Send

from pathways.edge.logs import request_id
from pathways.errors import (
    DuplicateCase,
    InvalidData,
    InvalidModel,
    PathwaysError,
    TooManyRequests,
    Unauthenticated,
)
from pathways.web.i18n import request_gettext

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("pathways.http")


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    rid = request_id.get()
    if rid is not None:
        body["request_id"] = rid
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


async def send_problem(send: Send, status: int, title: str, detail: str) -> None:
    """A problem answered from ASGI middleware, outside any route (the connection closes)."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    rid = request_id.get()
    if rid is not None:
        body["request_id"] = rid
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", MEDIA_TYPE.encode()),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def _pathways_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, PathwaysError)
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(error, InvalidModel):
        translate = request_gettext(request)
        extra["problems"] = [
            {"element_id": p.element_id, "message": p.message, "text": p.render(translate)}
            for p in error.problems
        ]
    elif error.text is not None:
        extra["text"] = error.text.render(request_gettext(request))
    if isinstance(error, InvalidData):
        extra["errors"] = error.errors
    elif isinstance(error, DuplicateCase):
        extra["reason"] = error.reason
    elif isinstance(error, TooManyRequests):
        headers["Retry-After"] = str(error.retry_after)
    elif isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="pathways"'
    return problem(error.status, error.message, title=error.title, headers=headers, **extra)


def _invalid_request(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    issues = list(error.errors())
    if any(issue.get("type") == "json_invalid" for issue in issues):
        return problem(400, "the body is not valid JSON")
    known = _declared_names(request.app)
    errors = [_issue(issue, known) for issue in issues]
    return problem(422, errors[0] if errors else "invalid request", errors=errors[:20])


def _issue(issue: Any, known: frozenset[str]) -> str:
    location = list(issue.get("loc", ()))
    if issue.get("type") == "extra_forbidden":  # its last part is the name the caller sent
        return f"{_where(location[:-1], known)}: holds a field the schema does not know"
    return f"{_where(location, known)}: {issue.get('msg', 'invalid')}"


def _where(location: Any, known: frozenset[str]) -> str:
    """The path to the value, naming only what the API declares: a key the caller chose
    (of `team`, of `data`) is shown as `*`, never repeated."""
    parts = [
        str(part) if isinstance(part, int) or part in known else "*"
        for part in location
        if part != "body"
    ]
    return ".".join(parts) or "body"


def _declared_names(app: FastAPI) -> frozenset[str]:
    """Every property and parameter name of the API's own schema (computed once)."""
    cached: frozenset[str] | None = getattr(app.state, "declared_names", None)
    if cached is None:
        names: set[str] = {"query", "path", "header", "cookie"}
        pending: list[Any] = [app.openapi()]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                properties = item.get("properties")
                if isinstance(properties, dict):
                    names.update(properties)
                if isinstance(item.get("name"), str) and "in" in item:
                    names.add(item["name"])
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
        cached = frozenset(names)
        app.state.declared_names = cached
    return cached


def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    detail = error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
    return problem(error.status_code, detail, headers=dict(error.headers or {}))


def _unstorable(_request: Request, _error: Exception) -> JSONResponse:
    # e.g. a NUL character, which PostgreSQL text and JSONB cannot hold; nothing was written.
    return problem(400, "a value in the request cannot be stored (such as a NUL character)")


def _database_unavailable(_request: Request, error: Exception) -> JSONResponse:
    log.error("database unavailable", exc_info=error)
    return problem(503, "the database is not reachable right now; try again shortly")


def _unexpected(_request: Request, error: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=error)
    return problem(500, "something went wrong on our side; the request id helps us find it")


def install(app: FastAPI) -> None:
    app.add_exception_handler(PathwaysError, _pathways_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(DataError, _unstorable)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected)
