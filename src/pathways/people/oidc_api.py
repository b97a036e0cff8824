"""Routes of OpenID Connect: sign in with a provider, its callback, back-channel logout.

`GET /login/oidc/{provider}` sends the browser to the provider with state, nonce and a
PKCE challenge (remembered in a signed ten-minute cookie); the provider sends it back
to `/login/oidc/{provider}/callback`, where the code is exchanged, the ID token checked,
the account brought up to date and a session opened exactly as a password login does.
`POST /api/oidc/{provider}/backchannel-logout` ends the sessions a logout token names.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from pathways.db.session import transaction
from pathways.edge.caller import COOKIE
from pathways.errors import (
    Conflict,
    InvalidData,
    NotFound,
    NotPermitted,
    PathwaysError,
    Unauthenticated,
)
from pathways.keys import secret_key
from pathways.people import oidc, oidc_accounts
from pathways.settings import OidcProviderSettings, Settings
from pathways.web.caller import PageCallDep, local_path
from pathways.web.i18n import _
from pathways.web.pages import NextPath, login_form, secure_cookies

log = logging.getLogger("pathways.people.oidc")
router = APIRouter()
STATE_COOKIE = "pathways_oidc"
_STATE_PATH = "/login/oidc"


def _provider(settings: Settings, name: str) -> OidcProviderSettings:
    provider = settings.auth.provider(name)
    if provider is None:
        raise NotFound(f"no identity provider '{name[:32]}'")
    return provider


def callback_url(request: Request, provider: OidcProviderSettings) -> str:
    settings: Settings = request.app.state.settings
    base = (settings.auth.base_url or str(request.base_url)).rstrip("/")
    return f"{base}{_STATE_PATH}/{provider.name}/callback"


def _failed(request: Request, provider: OidcProviderSettings, status: int) -> Response:
    failure = _("Signing in with %(provider)s failed.") % {"provider": provider.title}
    return login_form(request, next_path="/", login="", failure=failure, status=status)


@router.get(_STATE_PATH + "/{name}", include_in_schema=False)
def begin(request: Request, name: str, next_path: NextPath = None) -> Response:
    settings: Settings = request.app.state.settings
    provider = _provider(settings, name)
    try:
        url, remembered = oidc.begin(
            provider,
            redirect_uri=callback_url(request, provider),
            next_path=local_path(next_path),
            secret=secret_key(settings),
        )
    except oidc.ProviderRefused as unreachable:
        log.warning("sign-in with %s not started: %s", provider.name, unreachable.message)
        return _failed(request, provider, 502)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        remembered,
        max_age=600,
        httponly=True,
        samesite="lax",  # the provider's redirect back is a top-level navigation
        secure=secure_cookies(request),
        path=_STATE_PATH,
    )
    return response


@router.get(_STATE_PATH + "/{name}/callback", include_in_schema=False)
def callback(
    request: Request,
    name: str,
    call: PageCallDep,
    code: Annotated[str | None, Query(max_length=2048)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    iss: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    provider = _provider(call.settings, name)
    remembered = request.cookies.get(STATE_COOKIE)
    try:
        if not code or not state or not remembered:
            raise oidc.ProviderRefused("the sign-in was not finished; try again")
        if iss is not None and iss != provider.issuer:  # RFC 9207: a mixed-up answer
            raise oidc.ProviderRefused("the sign-in answer came from another issuer")
        signed_in = oidc.finish(
            provider,
            redirect_uri=callback_url(request, provider),
            code=code,
            state=state,
            cookie=remembered,
            secret=secret_key(call.settings),
        )
        with call.begin_public() as session:
            started = oidc_accounts.sign_in(
                session,
                provider=provider,
                signed_in=signed_in,
                replacing=call.session_token,
                settings=call.settings,
            )
            token = started.token if started else None
        if token is None:
            raise NotPermitted("the identity provider gives this person no access to Pathways")
    except (Unauthenticated, NotPermitted, Conflict, InvalidData, NotFound) as refused:
        # Operators see why (no client data here); the person sees that it failed.
        log.warning("sign-in with %s refused: %s", provider.name, refused.message)
        status = 401 if isinstance(refused, Unauthenticated) else 403
        response = _failed(request, provider, status)
        response.delete_cookie(STATE_COOKIE, path=_STATE_PATH)
        return response
    response = RedirectResponse(local_path(signed_in.next_path), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=call.settings.web.session_absolute_hours * 3600,
        httponly=True,
        secure=secure_cookies(request),
        samesite="lax",
        path="/",
    )
    response.delete_cookie(STATE_COOKIE, path=_STATE_PATH)  # the attempt is used up
    return response


@router.post(
    "/api/oidc/{name}/backchannel-logout",
    tags=["people"],
    responses={400: {"description": "the logout token is not valid"}},
)
def backchannel_logout(
    request: Request, name: str, logout_token: Annotated[str, Form(max_length=8192)]
) -> Response:
    """OpenID Connect Back-Channel Logout: the provider names sessions that have ended."""
    settings: Settings = request.app.state.settings
    provider = _provider(settings, name)
    try:
        with transaction(request.app.state.engine) as session:
            oidc_accounts.end_sessions(session, provider=provider, logout_token=logout_token)
    except oidc.ProviderRefused as refused:
        raise PathwaysError(refused.message) from None
    return Response(status_code=200, headers={"Cache-Control": "no-store"})
