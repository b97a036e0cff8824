"""Personal API tokens for integrators: issued once, stored hashed, revocable.

Tokens carry 256 random bits, so a plain SHA-256 is the right digest (no salt or slow
hash needed), and the lookup by digest is finished with a constant-time comparison.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from pathways import clock
from pathways.errors import NotFound
from pathways.people.models import ApiToken, User
from pathways.people.service import get_user

PREFIX = "pwt_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, *, login: str) -> str:
    """A new token for the user; the only time it is seen in clear."""
    user = get_user(session, login)
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=_digest(token), created_at=clock.now()))
    session.flush()
    return token


def revoke_all(session: Session, *, login: str) -> int:
    """Revoke every live token of the user; return how many."""
    user = get_user(session, login)
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def list_of(session: Session, *, login: str) -> Sequence[ApiToken]:
    """Every token the user was issued, newest first (only their digests exist)."""
    user = get_user(session, login)
    return session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    ).all()


def revoke(session: Session, *, login: str, token_id: int) -> ApiToken:
    """Revoke one token of the user (revoking a revoked one changes nothing)."""
    user = get_user(session, login)
    found = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if found is None:
        raise NotFound(f"user '{login[:64]}' has no token {token_id}")
    if found.revoked_at is None:
        found.revoked_at = clock.now()
        session.flush()
    return found


def authenticate(session: Session, token: str) -> User | None:
    """The active user a live token belongs to, or None."""
    if not token.startswith(PREFIX):
        return None
    digest = _digest(token)
    found = session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user).joinedload(User.organisation))
        .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))
    )
    if found is None or not hmac.compare_digest(found.token_hash, digest):
        return None
    if not found.user.active:
        return None
    now = clock.now()
    # Touch at most once a minute, so reads with a token do not each become a write.
    if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
        found.last_used_at = now
    return found.user
