"""Text that no field may hold, refused once for every route: NUL characters and lone
surrogates, in the path, the query, and every string (keys included) of a JSON or form
body. Both are answered 422 before any route runs.

NUL cannot be stored in PostgreSQL text, and surrogates that pair with nothing cannot be
encoded as UTF-8 at all: accepted, either would fail later, half way through a case, or be
stored on one database and not on the other. Query and form values are decoded as strict
UTF-8, so an encoded surrogate (`%ED%A0%80`) is refused rather than silently replaced.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pathways.edge.problems import send_problem

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
_JSON = re.compile(r"^application/(?:[\w.+-]+\+)?json\b", re.IGNORECASE)
_FORM = "application/x-www-form-urlencoded"
DETAIL = (
    "a text in the {where} holds a NUL character or an unpaired surrogate, or is not UTF-8"
    " (never accepted)"
)


class TextHygiene:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = _bad_address(scope)
        if where is not None:
            await send_problem(send, 422, "Invalid data", DETAIL.format(where=where))
            return
        kind = _content_type(scope)
        if kind is None:
            await self.app(scope, receive, send)
            return
        body, complete = await _read(receive)
        if _bad_body(body, kind):
            await send_problem(send, 422, "Invalid data", DETAIL.format(where="body"))
            return
        await self.app(scope, _replay(body, complete, receive), send)


def _bad_address(scope: Scope) -> str | None:
    raw = scope.get("raw_path")
    if _FORBIDDEN.search(scope.get("path", "")) or (raw is not None and not _clean_text(raw)):
        return "path"
    if not _clean_pairs(scope.get("query_string", b"")):
        return "query"
    return None


def _content_type(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            text = value.decode("latin-1").strip()
            if _JSON.match(text):
                return "json"
            if text.lower().startswith(_FORM):
                return "form"
    return None


async def _read(receive: Receive) -> tuple[bytes, bool]:
    """The whole body (the body limit outside has already capped its size)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if complete:
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}
        return await receive()

    return replayed


def _bad_body(body: bytes, kind: str) -> bool:
    if kind == "form":
        return not _clean_pairs(body)
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return False  # not JSON (or absurdly deep): the route's own parsing answers that
    return not _clean_json(document)


def _clean_pairs(encoded: bytes) -> bool:
    """Every name and value of `a=1&b=2` is strict UTF-8 without NUL or surrogates."""
    return all(
        _clean_text(part.replace(b"+", b" "))
        for pair in encoded.replace(b";", b"&").split(b"&")
        for part in pair.split(b"=", 1)
    )


def _clean_text(encoded: bytes) -> bool:
    """Percent-decoded, strict UTF-8 without NUL (an encoded surrogate is not UTF-8)."""
    try:
        text = unquote_to_bytes(encoded).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _FORBIDDEN.search(text)


def _clean_json(document: Any) -> bool:
    """No string of the document, key or value, at any depth, holds a forbidden character."""
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _FORBIDDEN.search(item):
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True
