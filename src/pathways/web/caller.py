"""The caller of a page: the session cookie, and a CSRF token posted as a form field.

Pages are for browsers, so only the session cookie counts (no bearer tokens). HTML forms
cannot set headers, so a page's unsafe request carries the session's CSRF token in the
`csrf_token` field; the JSON API keeps its `X-CSRF-Token` header, unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.datastructures import FormData

from pathways.edge.caller import COOKIE, Call, Tx
from pathways.errors import NotPermitted, Unauthenticated
from pathways.keys import secret_key
from pathways.people import sessions
from pathways.web import i18n

CSRF_FIELD = "csrf_token"


class StaleForm(NotPermitted):
    """A form without this session's CSRF token: sent from elsewhere, or from an old page."""


class PageCall(Call):
    """A `Call` whose CSRF token comes from the posted form."""

    def __init__(self, request: Request, session_token: str | None, form: FormData) -> None:
        super().__init__(request, None, session_token)
        self.form = form

    @property
    def csrf(self) -> str:
        """The token every form of this session's pages carries."""
        if self.session_token is None:
            raise Unauthenticated("log in first")
        return sessions.csrf_token(self.session_token, secret_key(self.settings))

    def _check_csrf(self) -> None:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return
        assert self.session_token is not None
        presented = self.form.get(CSRF_FIELD)
        token = presented if isinstance(presented, str) else None
        if not sessions.csrf_valid(self.session_token, token, secret_key(self.settings)):
            raise StaleForm("the form was not sent from this session's page")

    def field(self, name: str, default: str = "") -> str:
        return self.raw_field(name, default).strip()

    def raw_field(self, name: str, default: str = "") -> str:
        value = self.form.get(name)
        return value if isinstance(value, str) else default

    def layout(self, tx: Tx) -> dict[str, Any]:
        """What the shared layout needs: the caller and the token for their forms."""
        return {"user": tx.actor.user, "csrf": self.csrf}


async def _page_call(request: Request) -> PageCall:
    # Texts made before rendering (error messages) speak the page's language too.
    i18n.activate(i18n.choose_language(request), request.app.state.settings.forms_dir)
    form = await request.form() if request.method == "POST" else FormData()
    return PageCall(request, request.cookies.get(COOKIE), form)


PageCallDep = Annotated[PageCall, Depends(_page_call)]


def local_path(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    return target


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(here, safe='/')}"
