"""Logging in and out in the browser, and the language switch.

The login form is protected against cross-site posts by a double-submit token: a random
value in a short-lived cookie that the form must repeat (there is no session yet to
derive one from).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from pathways.edge.caller import COOKIE
from pathways.errors import TooManyRequests
from pathways.people import oidc, sessions
from pathways.web import i18n
from pathways.web.caller import CSRF_FIELD, PageCallDep, StaleForm, local_path
from pathways.web.i18n import _
from pathways.web.templating import render

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "pathways_login_csrf"
NextPath = Annotated[str | None, Query(alias="next", max_length=500)]


def secure_cookies(request: Request) -> bool:
    forced = request.app.state.settings.web.cookie_secure
    return bool(forced) if forced is not None else request.url.scheme == "https"


@router.get("/login")
def login_page(request: Request, next_path: NextPath = None) -> Response:
    return login_form(request, next_path=local_path(next_path), login="", failure=None)


def login_form(
    request: Request, *, next_path: str, login: str, failure: str | None, status: int = 200
) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    settings = request.app.state.settings
    context = {
        "user": None,
        "csrf": token,
        "next": next_path,
        "login": login,
        "failure": failure,
        "providers": settings.auth.providers,
        "local_passwords": settings.local_passwords,
    }
    response = render(request, "web/login.html", context, status=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/login",
    )
    return response


@router.post("/login")
def log_in(request: Request, call: PageCallDep) -> Response:
    next_path = local_path(call.field("next"))
    login = call.field("login")[:64]
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, call.field(CSRF_FIELD)):
        raise StaleForm("the login form was not sent from this site's login page")
    try:
        with call.begin_public() as session:
            started = sessions.log_in(
                session,
                login=login,
                password=call.raw_field("password"),
                address=call.address,
                settings=call.settings,
                replacing=call.session_token,
            )
            token = started.token if started else None
    except TooManyRequests:
        failure = _("Too many failed attempts. Wait a while before trying again.")
        return login_form(request, next_path=next_path, login=login, failure=failure, status=429)
    if token is None:
        failure = _("Wrong user name or password.")
        return login_form(request, next_path=next_path, login=login, failure=failure, status=401)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=call.settings.web.session_absolute_hours * 3600,
        httponly=True,
        secure=secure_cookies(request),
        samesite="lax",
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def log_out(request: Request, call: PageCallDep) -> Response:
    with call.begin() as tx:
        provider = None
        if call.session_token is not None:
            provider = sessions.provider_of(tx.session, token=call.session_token)
            sessions.log_out(tx.session, token=call.session_token)
    response: Response = RedirectResponse("/login", status_code=303)
    # A session from an identity provider ends there too (RP-initiated logout).
    found = call.settings.auth.provider(provider) if provider else None
    if found is not None:
        base = (call.settings.auth.base_url or str(request.base_url)).rstrip("/")
        try:
            target = oidc.logout_url(found, after=f"{base}/login")
        except oidc.ProviderRefused:  # unreachable: the Pathways session has ended anyway
            target = None
        if target is not None:
            context = {"user": None, "provider_logout": target, "provider_title": found.title}
            response = render(request, "web/signed_out.html", context)
    response.delete_cookie(COOKIE, path="/", secure=secure_cookies(request), httponly=True)
    return response


@router.get("/lang/{language}")
def switch_language(request: Request, language: str, next_path: NextPath = None) -> Response:
    """Remember the chosen language for a year and go back where the switch was used."""
    response = RedirectResponse(local_path(next_path), status_code=303)
    if language in i18n.LANGUAGES:
        response.set_cookie(
            i18n.LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            samesite="lax",
            secure=secure_cookies(request),
            path="/",
        )
    return response
