"""Every failure answered once, as `application/problem+json` (RFC 9457).

Details never echo what the caller sent: validation errors name the field and the
rule, not the value.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from pathways.edge.logs import request_id
from pathways.errors import (
    DuplicateCase,
    InvalidData,
    InvalidModel,
    PathwaysError,
    TooManyRequests,
    Unauthenticated,
)

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


def _pathways_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, PathwaysError)
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(error, InvalidModel):
        extra["problems"] = [
            {"element_id": p.element_id, "message": p.message} for p in error.problems
        ]
    elif isinstance(error, InvalidData):
        extra["errors"] = error.errors
    elif isinstance(error, DuplicateCase):
        extra["reason"] = error.reason
    elif isinstance(error, TooManyRequests):
        headers["Retry-After"] = str(error.retry_after)
    elif isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="pathways"'
    return problem(error.status, error.message, title=error.title, headers=headers, **extra)


def _invalid_request(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    issues = list(error.errors())
    if any(issue.get("type") == "json_invalid" for issue in issues):
        return problem(400, "the body is not valid JSON")
    errors = [f"{_where(issue.get('loc', ()))}: {issue.get('msg', 'invalid')}" for issue in issues]
    return problem(422, errors[0] if errors else "invalid request", errors=errors[:20])


def _where(location: Any) -> str:
    return ".".join(str(part) for part in location if part != "body") or "body"


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
