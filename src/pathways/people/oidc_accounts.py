"""Accounts and sessions vouched for by an OpenID provider.

An account comes from one provider and is found by that provider's subject, never by
login alone, so a provider cannot take over a local account or another provider's.
At every sign-in, and again every `recheck_minutes` through the provider's userinfo,
the claims are mapped to an organisation and roles by the provider's settings: only
what the mapping names is given. When the provider's claims leave no mapped
organisation or role, the account keeps no roles and its sessions and tokens end;
when the provider no longer answers for a sign-in at all (the person removed or
disabled, their refresh token revoked), that session ends. An administrator's
deactivation always wins.

The provider's access and refresh tokens of a session are kept encrypted (JWE, with
a key derived from the service's secret key), so a copy of the database opens
nothing at the provider either.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from pathways import clock
from pathways.audit import service as audit
from pathways.errors import Conflict, NotPermitted
from pathways.keys import secret_key
from pathways.people import oidc
from pathways.people import service as people
from pathways.people.models import ApiToken, LoginSession, User
from pathways.people.sessions import NewSession, log_out
from pathways.settings import OidcProviderSettings, Settings

log = logging.getLogger("pathways.people.oidc")
_LOGIN = re.compile(r"[^a-z0-9_-]+")


@dataclass(frozen=True)
class Vouched:
    """What the provider's claims allow in Pathways."""

    subject: str
    login: str
    name: str
    email: str | None
    organisation: str
    roles: list[str]


def _token_key(settings: Settings) -> OctKey:
    return OctKey.import_key(hashlib.sha256(b"provider-tokens:" + secret_key(settings)).digest())


def _seal(settings: Settings, token: str | None) -> str | None:
    if token is None:
        return None
    return jwe.encrypt_compact({"alg": "dir", "enc": "A256GCM"}, token, _token_key(settings))


def _unseal(settings: Settings, sealed: str | None) -> str | None:
    if sealed is None:
        return None
    try:
        plaintext = jwe.decrypt_compact(sealed, _token_key(settings)).plaintext
    except (JoseError, ValueError):  # the secret key changed since
        return None
    return plaintext.decode() if plaintext is not None else None


def _values(claim: Any) -> list[str]:
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list):
        return [v for v in claim if isinstance(v, str)]
    return []


def vouched(provider: OidcProviderSettings, claims: dict[str, Any]) -> Vouched | None:
    """The organisation and roles the mapping gives these claims, or None for none."""
    organisation = provider.organisation
    for value in _values(claims.get(provider.organisation_claim or "organisation")):
        organisation = provider.organisations.get(value, organisation)
    roles = sorted(
        {r for v in _values(claims.get(provider.roles_claim)) for r in provider.roles.get(v, [])}
    )
    raw = next(iter(_values(claims.get(provider.login_claim))), "") or str(claims.get("sub", ""))
    login = _LOGIN.sub("-", (provider.login_prefix + raw).lower()).strip("-_")[:64]
    if organisation is None or not roles or not login:
        return None
    email = next(iter(_values(claims.get(provider.email_claim))), None)
    name = next(iter(_values(claims.get(provider.name_claim))), login)
    email = email[:254] if email else None
    return Vouched(
        str(claims["sub"])[:255], login, name.strip()[:200] or login, email, organisation, roles
    )


def _account(session: Session, provider: OidcProviderSettings, subject: str) -> User | None:
    return session.scalar(
        select(User).where(User.origin == provider.name, User.subject == subject[:255])
    )


def sign_in(
    session: Session,
    *,
    provider: OidcProviderSettings,
    signed_in: oidc.SignIn,
    replacing: str | None,
    settings: Settings,
) -> NewSession | None:
    """The account (created or brought up to date) and a new session for it.

    None when the provider's claims give no access: an account they used to give access
    is withdrawn, which the caller commits before refusing.
    """
    claims = signed_in.claims
    user = _account(session, provider, str(claims["sub"]))
    allowed = vouched(provider, claims)
    if allowed is None:
        if user is not None:
            withdraw(session, user=user, reason="sign-in")
        audit.record(
            session, actor=None, action="login.failed", details={"provider": provider.name}
        )
        return None
    user = _update(session, provider, user, allowed)
    if not user.active:
        raise NotPermitted("the account is deactivated")
    if replacing is not None:
        log_out(session, token=replacing)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    sid = claims.get("sid")
    session.add(
        LoginSession(
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            user=user,
            created_at=now,
            last_seen_at=now,
            provider=provider.name,
            provider_sid=str(sid)[:255] if sid is not None else None,
            provider_token=_seal(settings, signed_in.access_token),
            provider_refresh=_seal(settings, signed_in.refresh_token),
            checked_at=now,
        )
    )
    audit.record(session, actor=user.login, action="login", details={"provider": provider.name})
    session.flush()
    return NewSession(user, token)


def _update(
    session: Session, provider: OidcProviderSettings, user: User | None, allowed: Vouched
) -> User:
    if user is None:
        if session.scalar(select(User.id).where(User.login == allowed.login)) is not None:
            raise Conflict(f"the login '{allowed.login}' belongs to an account from elsewhere")
        user = people.create_user(
            session,
            login=allowed.login,
            organisation=allowed.organisation,
            roles=allowed.roles,
            name=allowed.name,
            email=allowed.email,
        )
        user.origin, user.subject = provider.name, allowed.subject[:255]
        audit.record(
            session,
            actor=user.login,
            action="user.created",
            details={"login": user.login, "provider": provider.name},
        )
        return user
    changed = user.roles != allowed.roles or user.organisation.code != allowed.organisation
    user.name, user.email, user.roles = allowed.name, allowed.email, allowed.roles
    user.organisation = people.get_organisation(session, allowed.organisation)
    if changed:
        audit.record(
            session,
            actor=user.login,
            action="user.updated_by_provider",
            details={"login": user.login, "roles": allowed.roles},
        )
    session.flush()
    return user


def withdraw(session: Session, *, user: User, reason: str) -> None:
    """The provider no longer vouches: no roles, and every session and token ends."""
    user.roles = []
    now = clock.now()
    for table in (LoginSession, ApiToken):
        session.execute(
            update(table)
            .where(table.user_id == user.id, table.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    audit.record(
        session,
        actor=None,
        action="user.withdrawn_by_provider",
        details={"login": user.login, "provider": user.origin, "on": reason},
    )
    session.flush()


@dataclass(frozen=True)
class Recheck:
    """A session whose provider is due to be asked again, claimed by one request."""

    session_id: int
    provider: OidcProviderSettings
    subject: str
    access: str | None
    refresh: str | None


@dataclass(frozen=True)
class Answer:
    """What the provider said: its claims now (None: it no longer answers for the
    sign-in), and the tokens to keep."""

    claims: dict[str, Any] | None
    access: str | None
    refresh: str | None


def due_recheck(session: Session, *, token: str, settings: Settings) -> Recheck | None:
    """Claim the recheck of a provider session when its interval has passed.

    The claim (`checked_at` moved on) is committed before the provider is asked, so the
    requests that arrive meanwhile go on and only one asks; no transaction stays open
    across the call to the provider.
    """
    found = session.scalar(
        select(LoginSession)
        .options(joinedload(LoginSession.user))
        .where(
            LoginSession.token_hash == hashlib.sha256(token.encode()).hexdigest(),
            LoginSession.revoked_at.is_(None),
            LoginSession.provider.is_not(None),
        )
    )
    if found is None or found.provider is None:
        return None
    provider = settings.auth.provider(found.provider)
    if provider is None:  # the provider was taken out of the settings: nothing vouches
        found.revoked_at = clock.now()
        return None
    now = clock.now()
    interval = timedelta(minutes=provider.recheck_minutes)
    if found.checked_at is not None and now - found.checked_at < interval:
        return None
    unchanged = (
        LoginSession.checked_at.is_(None)
        if found.checked_at is None
        else LoginSession.checked_at == found.checked_at
    )
    claimed = session.execute(
        update(LoginSession).where(LoginSession.id == found.id, unchanged).values(checked_at=now)
    )
    if not getattr(claimed, "rowcount", 0):
        return None  # another request claimed it a moment ago
    return Recheck(
        found.id,
        provider,
        found.user.subject or "",
        _unseal(settings, found.provider_token),
        _unseal(settings, found.provider_refresh),
    )


def ask_provider(recheck: Recheck) -> Answer:
    """What the provider says of the person now (network only, no database).

    With a refresh token the session is refreshed (a revoked or expired one, or a person
    removed, is refused) and the new ID token read; then userinfo adds its claims.
    """
    provider, access, refresh = recheck.provider, recheck.access, recheck.refresh
    claims: dict[str, Any] = {}
    if refresh is not None:
        tokens = oidc.refresh(provider, refresh)
        if tokens is None:
            return Answer(None, None, None)
        access = str(tokens["access_token"])
        refresh = str(tokens.get("refresh_token") or refresh)
        if isinstance(tokens.get("id_token"), str):
            claims = oidc.verify_id_token(provider, tokens["id_token"], nonce=None)
    info = oidc.userinfo(provider, access) if access else None
    if info is not None:
        if claims and str(info.get("sub")) != str(claims.get("sub")):
            return Answer(None, None, None)
        claims = {**info, **claims}
    if not claims or str(claims.get("sub")) != recheck.subject:
        return Answer(None, None, None)
    return Answer(claims, access, refresh)


def apply_recheck(
    session: Session, *, recheck: Recheck, answer: Answer, settings: Settings
) -> bool:
    """Keep the session, end it, or withdraw the account; True if the session goes on."""
    found = session.get(LoginSession, recheck.session_id)
    if found is None or found.revoked_at is not None:
        return False
    provider, claims = recheck.provider, answer.claims
    if claims is None:
        found.revoked_at = clock.now()
        audit.record(
            session,
            actor=None,
            action="login.ended_by_provider",
            details={"login": found.user.login, "provider": provider.name},
        )
        return False
    found.provider_token = _seal(settings, answer.access)
    found.provider_refresh = _seal(settings, answer.refresh)
    if not _speaks_of_access(provider, claims):  # e.g. a userinfo without roles
        return True
    allowed = vouched(provider, {"sub": recheck.subject, **claims})
    if allowed is None:
        withdraw(session, user=found.user, reason="recheck")
        return False
    _update(session, provider, found.user, allowed)
    return True


def forget_recheck(session: Session, *, recheck: Recheck) -> None:
    """The provider could not be asked: the next request asks again."""
    session.execute(
        update(LoginSession).where(LoginSession.id == recheck.session_id).values(checked_at=None)
    )


def _speaks_of_access(provider: OidcProviderSettings, claims: dict[str, Any]) -> bool:
    """Whether the claims carry what the mapping reads (userinfo may leave roles out)."""
    has_organisation = provider.organisation is not None or (
        (provider.organisation_claim or "organisation") in claims
    )
    return provider.roles_claim in claims and has_organisation


def end_sessions(session: Session, *, provider: OidcProviderSettings, logout_token: str) -> int:
    """Back-channel logout: end the sessions the provider's logout token names."""
    claims = oidc.verify_logout_token(provider, logout_token)
    query = update(LoginSession).where(
        LoginSession.provider == provider.name, LoginSession.revoked_at.is_(None)
    )
    if claims.get("sid"):
        query = query.where(LoginSession.provider_sid == str(claims["sid"]))
    if claims.get("sub"):
        user = _account(session, provider, str(claims["sub"]))
        query = query.where(LoginSession.user_id == (user.id if user else -1))
    result = session.execute(query.values(revoked_at=clock.now()))
    ended = int(getattr(result, "rowcount", 0) or 0)
    audit.record(
        session,
        actor=None,
        action="logout.backchannel",
        details={"provider": provider.name, "sessions": ended},
    )
    return ended


def service_account(session: Session, *, token: str, settings: Settings) -> User | None:
    """The service account an integrator's provider-issued access token maps to, or None."""
    issuer = oidc.issuer_of(token)
    provider = next(
        (p for p in settings.auth.providers if p.issuer == issuer and p.api_audience), None
    )
    if provider is None:
        return None
    claims = oidc.verify_access_token(provider, token)
    client = claims.get("client_id") or claims.get("azp") or claims.get("appid")
    login = provider.service_accounts.get(str(client)) if client else None
    if login is None:
        raise NotPermitted("the access token's client is not a Pathways service account")
    user = session.scalar(
        select(User).options(joinedload(User.organisation)).where(User.login == login)
    )
    return user if user is not None and user.active else None
