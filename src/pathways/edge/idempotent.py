"""Running a route's work at most once per `Idempotency-Key`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from pathways.edge.caller import Call, Tx
from pathways.idempotency import service as idempotency

Work = Callable[[Tx], tuple[int, Any]]


def run_once(call: Call, *, key: str | None, route: str, request: Any, work: Work) -> JSONResponse:
    """Do `work` in one transaction; with a key, a retry gets the first answer back.

    Only successful answers are stored: a refused request changed nothing, so running it
    again is safe and may succeed once the caller has fixed what was wrong.
    """
    if key is None:
        with call.begin() as tx:
            status, body = work(tx)
            content = jsonable_encoder(body)
        return JSONResponse(content, status_code=status)
    asked = idempotency.fingerprint(request)
    try:
        with call.begin() as tx:
            found = idempotency.find(tx.session, actor=tx.actor.login, route=route, key=key)
            if found is not None:
                return _replayed(*idempotency.replay(found, asked))
            row = idempotency.reserve(
                tx.session, actor=tx.actor.login, route=route, key=key, fingerprint=asked
            )
            status, body = work(tx)
            row.status, row.response = status, jsonable_encoder(body)
            content = row.response
    except IntegrityError as error:
        # A twin of this request reserved the key first and has committed its answer.
        with call.begin() as tx:
            found = idempotency.find(tx.session, actor=tx.actor.login, route=route, key=key)
            if found is None:
                raise error from None
            return _replayed(*idempotency.replay(found, asked))
    return JSONResponse(content, status_code=status)


def _replayed(status: int, body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"})
