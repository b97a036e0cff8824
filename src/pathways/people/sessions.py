"""Browser sessions: log in, recognise the cookie, log out; CSRF tokens tied to a session.

The cookie carries 256 random bits; the table keeps only their SHA-256, so a copy of
the database opens no sessions. A session ends when it is revoked (logout, a new
login from the same browser, or the user's deactivation), after an idle period, or
at an absolute age, whichever comes first. Failed logins are counted per login and
per address in the database, so every replica throttles alike.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from pathways import clock
from pathways.audit import service as audit
from pathways.errors import NotPermitted, TooManyRequests
from pathways.people.models import LoginFailure, LoginSession, User
from pathways.people.passwords import DEMO_PASSWORD, verify
from pathways.settings import Settings

# Writing last_seen_at on every request would turn each read into a write.
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class NewSession:
    user: User
    token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(session_token: str, key: bytes) -> str:
    """The CSRF token of a session: derived, so nothing more is stored."""
    return hmac.new(key, b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def csrf_valid(session_token: str, presented: str | None, key: bytes) -> bool:
    return presented is not None and hmac.compare_digest(csrf_token(session_token, key), presented)


def log_in(
    session: Session,
    *,
    login: str,
    password: str,
    address: str,
    settings: Settings,
    replacing: str | None = None,
) -> NewSession | None:
    """A new session for good credentials, or None (the failure is recorded).

    The caller commits either way, so failures count even though the login fails.
    """
    if not settings.local_passwords:
        raise NotPermitted("local passwords are switched off; sign in with your organisation")
    login = login[:64]
    _throttle(session, login=login, address=address, settings=settings)
    user = session.scalar(select(User).where(User.login == login))
    demo_only = password == DEMO_PASSWORD and not settings.demo
    ok = verify(user.password_hash if user else None, password) and not demo_only
    if user is None or not ok or not user.active:
        session.add(LoginFailure(login=login, address=address[:64], at=clock.now()))
        audit.record(session, actor=None, action="login.failed", details={"login": login})
        return None
    if replacing is not None:
        log_out(session, token=replacing)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        LoginSession(token_hash=_digest(token), user=user, created_at=now, last_seen_at=now)
    )
    audit.record(session, actor=user.login, action="login")
    session.flush()
    return NewSession(user, token)


def _throttle(session: Session, *, login: str, address: str, settings: Settings) -> None:
    window = timedelta(minutes=settings.web.login_window_minutes)
    since = clock.now() - window
    session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    by_login, by_address = session.execute(
        select(
            func.count().filter(LoginFailure.login == login),
            func.count().filter(LoginFailure.address == address),
        ).where(LoginFailure.at >= since)
    ).one()
    if by_login >= settings.web.login_failures_per_login or (
        by_address >= settings.web.login_failures_per_address
    ):
        raise TooManyRequests(
            "too many failed logins; wait a while before trying again",
            retry_after=int(window.total_seconds()),
        )


def resolve(session: Session, *, token: str, settings: Settings) -> User | None:
    """The active user of a live session, or None."""
    found = session.scalar(
        select(LoginSession)
        .options(joinedload(LoginSession.user).joinedload(User.organisation))
        .where(LoginSession.token_hash == _digest(token), LoginSession.revoked_at.is_(None))
    )
    if found is None or not found.user.active:
        return None
    now = clock.now()
    if _expired(found, now, settings):
        found.revoked_at = now
        return None
    if now - found.last_seen_at > _TOUCH_EVERY:
        found.last_seen_at = now
    return found.user


def _expired(found: LoginSession, now: datetime, settings: Settings) -> bool:
    idle = timedelta(minutes=settings.web.session_idle_minutes)
    absolute = timedelta(hours=settings.web.session_absolute_hours)
    return now - found.last_seen_at > idle or now - found.created_at > absolute


def provider_of(session: Session, *, token: str) -> str | None:
    """The identity provider a session was opened through, or None for a password login."""
    return session.scalar(
        select(LoginSession.provider).where(LoginSession.token_hash == _digest(token))
    )


def log_out(session: Session, *, token: str) -> bool:
    """Revoke the session; True if there was a live one."""
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == _digest(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    return bool(getattr(result, "rowcount", 0))
