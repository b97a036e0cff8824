"""Reserving an idempotency key, storing the answer, replaying it."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pathways import clock
from pathways.errors import Conflict, InvalidData
from pathways.idempotency.models import IdempotentRequest

KEEP_FOR = timedelta(days=7)
MAX_KEY = 200


def fingerprint(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def find(session: Session, *, actor: str, route: str, key: str) -> IdempotentRequest | None:
    _check(key)
    return session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.actor == actor,
            IdempotentRequest.route == route,
            IdempotentRequest.key == key,
        )
    )


def reserve(
    session: Session, *, actor: str, route: str, key: str, fingerprint: str
) -> IdempotentRequest:
    """Claim the key inside the caller's transaction; a concurrent twin waits here.

    Flushing the insert makes a second transaction with the same key block on the
    unique index until the first ends, then fail with an IntegrityError.
    """
    row = IdempotentRequest(
        actor=actor, route=route, key=key, fingerprint=fingerprint, created_at=clock.now()
    )
    session.add(row)
    session.flush()
    return row


def replay(found: IdempotentRequest, fingerprint: str) -> tuple[int, dict[str, Any]]:
    """The stored answer, if the retry asks the same thing."""
    if found.fingerprint != fingerprint:
        raise InvalidData("this Idempotency-Key was used with a different request")
    if found.status is None or found.response is None:
        raise Conflict("a request with this Idempotency-Key is still being processed")
    return found.status, found.response


def forget_old(session: Session) -> int:
    result = session.execute(
        delete(IdempotentRequest).where(IdempotentRequest.created_at < clock.now() - KEEP_FOR)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _check(key: str) -> None:
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise InvalidData(f"an Idempotency-Key is 1-{MAX_KEY} printable characters")
