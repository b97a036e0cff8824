"""ASGI middleware: request ids and access logs, and limits on request bodies."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pathways.edge.logs import request_id
from pathways.edge.problems import send_problem

log = logging.getLogger("pathways.http")
# (method, route template, status, seconds) of each finished request, e.g. for metrics.
Observer = Callable[[str, str, int, float], None]
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestContext:
    """Give every request an id (kept from `X-Request-ID` when well-formed), answer with
    it, and log one line per request naming its route template, status and duration."""

    def __init__(self, app: ASGIApp, observe: Observer | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        rid = incoming if incoming and _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            took = time.perf_counter() - started
            route = _route(scope)
            _access_log(scope, route, status, took)
            if self.observe is not None:
                self.observe(scope.get("method", ""), route, status, took)
            request_id.reset(token)


def _route(scope: Scope) -> str:
    return str(getattr(scope.get("route"), "path", None) or "(no route)")


def _access_log(scope: Scope, route: str, status: int, seconds: float) -> None:
    log.info(
        "request",
        extra={
            "method": scope.get("method"),
            "route": route,
            "status": status,
            "ms": round(seconds * 1000, 2),
            "actor": scope.get("state", {}).get("actor"),
        },
    )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class BodyLimit:
    """Refuse bodies over the route's limit with 413, by `Content-Length` or while reading."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:  # raised outside any route, before a response started
            await _too_large(send, limit)


class BodyTooLarge(HTTPException):
    """An HTTP error, so FastAPI's body parsing passes it on unchanged to the problem handler."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body is larger than this route accepts ({limit} bytes)")


async def _too_large(send: Send, limit: int) -> None:
    detail = f"the body is larger than this route accepts ({limit} bytes)"
    await send_problem(send, 413, "Request too large", detail)
