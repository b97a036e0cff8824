"""Who is calling, and the one transaction a request runs in.

A route asks for a `Call` and opens `call.begin()`: the caller is authenticated
inside that transaction (a bearer token, or a session cookie plus a CSRF token on
unsafe methods), the route's service calls run in it, and it commits when the block
ends or rolls back on any error. A refusal (403) of a known caller is written to the
audit log in a transaction of its own, after the refused one rolled back: who, which
route, which object, and the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.db.session import transaction
from pathways.errors import NotPermitted, Unauthenticated
from pathways.keys import secret_key
from pathways.people import oidc_accounts, sessions, tokens
from pathways.people.actors import Actor
from pathways.people.models import User
from pathways.settings import Settings

log = logging.getLogger("pathways.http")
COOKIE = "pathways_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_bearer = HTTPBearer(auto_error=False, description="a personal API token (`pathways users token`)")
_cookie = APIKeyCookie(name=COOKIE, auto_error=False, description="the session of a browser login")


@dataclass(frozen=True)
class Tx:
    """One request's transaction and the caller acting in it."""

    session: Session
    actor: Actor
    settings: Settings


class Call:
    """A request's credentials and the way into the database."""

    def __init__(
        self,
        request: Request,
        bearer: HTTPAuthorizationCredentials | None,
        session_token: str | None,
    ) -> None:
        self.request = request
        self.settings: Settings = request.app.state.settings
        self.engine: Engine = request.app.state.engine
        self.bearer = bearer.credentials if bearer is not None else None
        self.session_token = session_token
        self.address = request.client.host if request.client else "unknown"

    @contextmanager
    def begin(self) -> Iterator[Tx]:
        """The transaction of a call that needs a caller (every route but the public ones)."""
        self._recheck_provider()
        try:
            with transaction(self.engine) as session:
                user = self._authenticate(session)
                self.request.state.actor = user.login
                yield Tx(session, Actor.of(user), self.settings)
        except NotPermitted:
            self._audit_refusal()
            raise

    @contextmanager
    def begin_public(self) -> Iterator[Session]:
        """The transaction of a public route (logging in)."""
        with transaction(self.engine) as session:
            yield session

    def _audit_refusal(self) -> None:
        login = getattr(self.request.state, "actor", None)
        if login is None:  # refused before the caller was known (e.g. a missing CSRF token)
            return
        route = f"{self.request.method} {getattr(self.request.scope.get('route'), 'path', '')}"
        try:
            with transaction(self.engine) as session:
                audit.record(
                    session,
                    actor=login,
                    action="access.refused",
                    details={
                        "route": route,
                        "object": _object_of(self.request.path_params),
                        "outcome": "refused (403)",
                    },
                )
        except SQLAlchemyError:  # the caller is refused all the same
            log.warning("a refusal could not be audited", extra={"route": route})

    def _recheck_provider(self) -> None:
        """A session from an OpenID provider is asked about again now and then: claimed in
        one transaction, the provider asked outside any, the answer kept in a third (a
        refusal, and a withdrawn account, are committed before the request is refused)."""
        if self.session_token is None or self.bearer is not None:
            return
        if not self.settings.auth.providers:
            return
        with transaction(self.engine) as session:
            due = oidc_accounts.due_recheck(
                session, token=self.session_token, settings=self.settings
            )
        if due is None:
            return
        try:
            answer = oidc_accounts.ask_provider(due)
        except Unauthenticated:
            with transaction(self.engine) as session:
                oidc_accounts.forget_recheck(session, recheck=due)
            raise
        with transaction(self.engine) as session:
            vouched = oidc_accounts.apply_recheck(
                session, recheck=due, answer=answer, settings=self.settings
            )
        if not vouched:
            raise Unauthenticated("the identity provider no longer vouches for you; sign in again")

    def _authenticate(self, session: Session) -> User:
        if self.bearer is not None:
            user = tokens.authenticate(session, self.bearer)
            if user is None and self.settings.auth.providers:
                user = oidc_accounts.service_account(
                    session, token=self.bearer, settings=self.settings
                )
            if user is None:
                raise Unauthenticated("the API token is unknown, revoked or its user deactivated")
            return user
        if self.session_token is not None:
            user = sessions.resolve(session, token=self.session_token, settings=self.settings)
            if user is None:
                raise Unauthenticated("the session has ended; log in again")
            self._check_csrf()
            return user
        raise Unauthenticated("log in, or send a personal API token as a Bearer token")

    def _check_csrf(self) -> None:
        if self.request.method in _SAFE_METHODS:
            return
        assert self.session_token is not None
        presented = self.request.headers.get(CSRF_HEADER)
        if not sessions.csrf_valid(self.session_token, presented, secret_key(self.settings)):
            raise NotPermitted(
                f"a change made with a session cookie needs its {CSRF_HEADER} header"
            )


def _object_of(params: dict[str, Any]) -> dict[str, int | str]:
    """The path's identifiers (the route has validated them by now): numbers, or short names."""
    texts = {name: str(value) for name, value in params.items()}
    return {
        name: int(text) if text.isdigit() and len(text) < 19 else text[:64]
        for name, text in texts.items()
    }


def _call(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session_token: Annotated[str | None, Depends(_cookie)],
) -> Call:
    return Call(request, bearer, session_token)


CallDep = Annotated[Call, Depends(_call)]
