"""Routes for logging in and out, and for administrators managing people."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, Request, Response

from pathways.edge.caller import COOKIE, CallDep
from pathways.edge.params import RowId
from pathways.errors import Unauthenticated
from pathways.keys import secret_key
from pathways.people import accounts, sessions
from pathways.people.schemas import (
    IssuedTokenOut,
    LoginIn,
    SessionOut,
    TokenOut,
    UserCreate,
    UserOut,
    UserUpdate,
)

router = APIRouter(prefix="/api", tags=["people"])


def _secure(request: Request, forced: bool | None) -> bool:
    return forced if forced is not None else request.url.scheme == "https"


@router.post("/session", responses={401: {"description": "wrong login or password"}})
def log_in(body: LoginIn, request: Request, response: Response, call: CallDep) -> SessionOut:
    """Log in; the answer sets the session cookie and carries the CSRF token for changes."""
    with call.begin_public() as session:
        started = sessions.log_in(
            session,
            login=body.login,
            password=body.password,
            address=call.address,
            settings=call.settings,
            replacing=call.session_token,  # a new login rotates the session
        )
        user = UserOut.of(started.user) if started else None
    if started is None or user is None:
        raise Unauthenticated("wrong login or password")
    settings = call.settings
    response.set_cookie(
        COOKIE,
        started.token,
        max_age=settings.web.session_absolute_hours * 3600,
        httponly=True,
        secure=_secure(request, settings.web.cookie_secure),
        samesite="lax",
        path="/",
    )
    return SessionOut(
        user=user, csrf_token=sessions.csrf_token(started.token, secret_key(settings))
    )


@router.get("/session")
def current_session(
    call: CallDep, cookie: Annotated[str | None, Cookie(alias=COOKIE)] = None
) -> SessionOut:
    """Who is logged in, and the session's CSRF token."""
    with call.begin() as tx:
        assert tx.actor.user is not None
        user = UserOut.of(tx.actor.user)
    csrf = sessions.csrf_token(cookie, secret_key(call.settings)) if cookie else None
    return SessionOut(user=user, csrf_token=csrf)


@router.delete("/session", status_code=204)
def log_out(request: Request, call: CallDep) -> Response:
    """End the browser session (a change: it needs the CSRF token)."""
    with call.begin() as tx:
        if call.session_token is not None:
            sessions.log_out(tx.session, token=call.session_token)
    response = Response(status_code=204)
    response.delete_cookie(
        COOKIE, path="/", secure=_secure(request, call.settings.web.cookie_secure), httponly=True
    )
    return response


@router.get("/users")
def list_users(call: CallDep) -> list[UserOut]:
    with call.begin() as tx:
        return [UserOut.of(u) for u in accounts.list_users(tx.session, actor=tx.actor)]


@router.post("/users", status_code=201)
def create_user(body: UserCreate, call: CallDep) -> UserOut:
    with call.begin() as tx:
        return UserOut.of(accounts.create_user(tx.session, new=body, actor=tx.actor))


@router.patch("/users/{login}")
def update_user(login: str, body: UserUpdate, call: CallDep) -> UserOut:
    """Deactivate (ends every session and token at once), reactivate, set a password, or
    change the name, e-mail, organisation or roles."""
    with call.begin() as tx:
        return UserOut.of(
            accounts.update_user(tx.session, login=login, change=body, actor=tx.actor)
        )


@router.get("/users/{login}/tokens")
def list_tokens(login: str, call: CallDep) -> list[TokenOut]:
    """The user's personal API tokens, newest first (never the tokens themselves)."""
    with call.begin() as tx:
        found = accounts.list_tokens(tx.session, login=login[:64], actor=tx.actor)
        return [TokenOut.model_validate(t) for t in found]


@router.post("/users/{login}/tokens", status_code=201)
def issue_token(login: str, call: CallDep) -> IssuedTokenOut:
    """A new personal API token; this answer is the only time it is seen."""
    with call.begin() as tx:
        token = accounts.issue_token(tx.session, login=login[:64], actor=tx.actor)
        issued = accounts.list_tokens(tx.session, login=login[:64], actor=tx.actor)[0]
        return IssuedTokenOut(id=issued.id, created_at=issued.created_at, token=token)


@router.delete("/users/{login}/tokens/{token_id}")
def revoke_token(login: str, token_id: RowId, call: CallDep) -> TokenOut:
    """Revoke one token (revoking a revoked token changes nothing)."""
    with call.begin() as tx:
        revoked = accounts.revoke_token(
            tx.session, login=login[:64], token_id=token_id, actor=tx.actor
        )
        return TokenOut.model_validate(revoked)
