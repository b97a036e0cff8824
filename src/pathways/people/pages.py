"""Administrators' pages for people: the admin start page, users, their roles,
organisation, password and personal API tokens.

Every page calls `people.accounts`, which checks that the caller is an administrator
before anything else and audits each change; other callers get the 403 page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from pathways.audit import service as audit
from pathways.edge.caller import Tx
from pathways.edge.params import RowId
from pathways.errors import Conflict, InvalidData, NotFound, NotPermitted
from pathways.people import accounts
from pathways.people.models import Role
from pathways.people.passwords import MIN_LENGTH
from pathways.people.schemas import UserCreate, UserUpdate
from pathways.web.caller import PageCall, PageCallDep
from pathways.web.i18n import _
from pathways.web.templating import render

router = APIRouter(include_in_schema=False)
ROLES = tuple(r.value for r in Role)
_FAILED = (InvalidData, Conflict, NotFound, ValidationError)


def role_names() -> dict[str, str]:
    return {
        "designer": _("Process designer"),
        "caseworker": _("Caseworker"),
        "manager": _("Manager"),
        "admin": _("Administrator"),
    }


def _roles(call: PageCall) -> list[str]:
    return [r for r in call.form.getlist("roles") if isinstance(r, str) and r in ROLES]


@router.get("/admin")
def admin_page(request: Request, call: PageCallDep) -> Response:
    """The administrator's start page: people, organisations, the audit log, the API."""
    with call.begin() as tx:
        users = accounts.list_users(tx.session, actor=tx.actor)
        organisations = accounts.list_organisations(tx.session, actor=tx.actor)
        recent = audit.list_events(tx.session, where=audit.AuditFilter(limit=10), actor=tx.actor)
        context = {
            **call.layout(tx),
            "active_users": sum(1 for u in users if u.active),
            "inactive_users": sum(1 for u in users if not u.active),
            "organisations": len(organisations),
            "recent": recent,
        }
        return render(request, "people/admin.html", context)


@router.get("/users")
def users_page(request: Request, call: PageCallDep) -> Response:
    with call.begin() as tx:
        return _users(request, call, tx, values={}, problem=None)


@router.post("/users")
def create_user(request: Request, call: PageCallDep) -> Response:
    values = {n: call.field(n)[:254] for n in ("login", "name", "email", "organisation")}
    try:
        with call.begin() as tx:
            new = UserCreate(
                login=values["login"][:64],
                organisation=values["organisation"][:64],
                roles=_roles(call),
                name=values["name"] or None,
                email=values["email"] or None,
                password=call.raw_field("password")[:1024] or None,
            )
            login = accounts.create_user(tx.session, new=new, actor=tx.actor).login
        return RedirectResponse(f"/users/{login}?created=1", status_code=303)
    except _FAILED as error:
        problem = _explain(error)
    with call.begin() as tx:
        values["roles"] = ",".join(_roles(call))
        return _users(request, call, tx, values=values, problem=problem, status=422)


def _users(
    request: Request,
    call: PageCall,
    tx: Tx,
    *,
    values: dict[str, str],
    problem: str | None,
    status: int = 200,
) -> Response:
    context: dict[str, Any] = {
        **call.layout(tx),
        "users": accounts.list_users(tx.session, actor=tx.actor),
        "organisations": accounts.list_organisations(tx.session, actor=tx.actor),
        "roles": ROLES,
        "role_names": role_names(),
        "values": values,
        "chosen_roles": values.get("roles", "").split(","),
        "problem": problem,
        "min_length": MIN_LENGTH,
    }
    return render(request, "people/users.html", context, status=status)


def _explain(error: Exception) -> str:
    """The reason in the page's language; the service's English reason is not shown."""
    if isinstance(error, Conflict):
        return _("This user name is taken already.")
    if isinstance(error, NotFound):
        return _("Choose an organisation from the list.")
    return _(
        "Check the user name (lower-case letters, digits, - or _), choose at least one role,"
        " and give a password of at least %(n)s characters or none."
    ) % {"n": MIN_LENGTH}


@router.get("/users/{login}")
def user_page(request: Request, login: str, call: PageCallDep) -> Response:
    notice = None
    if request.query_params.get("created"):
        notice = _("The user was created.")
    elif request.query_params.get("saved"):
        notice = _("The changes were saved.")
    with call.begin() as tx:
        return _user(request, call, tx, login=login[:64], notice=notice)


def _user(
    request: Request,
    call: PageCall,
    tx: Tx,
    *,
    login: str,
    notice: str | None = None,
    problem: str | None = None,
    token: str | None = None,
    status: int = 200,
) -> Response:
    user = accounts.get_user(tx.session, login=login, actor=tx.actor)
    context: dict[str, Any] = {
        **call.layout(tx),
        "person": user,
        "tokens": accounts.list_tokens(tx.session, login=login, actor=tx.actor),
        "organisations": accounts.list_organisations(tx.session, actor=tx.actor),
        "roles": ROLES,
        "role_names": role_names(),
        "notice": notice,
        "problem": problem,
        "new_token": token,
        "min_length": MIN_LENGTH,
        "myself": user.id == (tx.actor.user.id if tx.actor.user else None),
    }
    return render(request, "people/user.html", context, status=status)


@router.post("/users/{login}")
def change_user(request: Request, login: str, call: PageCallDep) -> Response:
    """Name, e-mail, organisation and roles."""
    return _apply(
        request,
        call,
        login[:64],
        lambda: UserUpdate(
            name=call.field("name")[:200] or None,
            email=call.field("email")[:254],
            organisation=call.field("organisation")[:64] or None,
            roles=_roles(call),
        ),
    )


@router.post("/users/{login}/active")
def set_active(request: Request, login: str, call: PageCallDep) -> Response:
    """Deactivate (ends every session and token at once) or reactivate."""
    active = call.field("active") == "true"
    return _apply(request, call, login[:64], lambda: UserUpdate(active=active))


@router.post("/users/{login}/password")
def set_password(request: Request, login: str, call: PageCallDep) -> Response:
    password = call.raw_field("password")[:1024]
    return _apply(request, call, login[:64], lambda: UserUpdate(password=password))


def _apply(request: Request, call: PageCall, login: str, change: Any) -> Response:
    try:
        with call.begin() as tx:
            if tx.actor.user is not None and tx.actor.user.login == login:
                _refuse_own_lockout(change())
            accounts.update_user(tx.session, login=login, change=change(), actor=tx.actor)
        return RedirectResponse(f"/users/{login}?saved=1", status_code=303)
    except _FAILED as error:
        problem = _change_problem(error)
    except _OwnLockout:
        problem = _("You cannot deactivate yourself or take away your own administrator role.")
    with call.begin() as tx:
        return _user(request, call, tx, login=login, problem=problem, status=422)


class _OwnLockout(NotPermitted):
    """An administrator about to lock themselves out."""


def _refuse_own_lockout(change: UserUpdate) -> None:
    if change.active is False or (change.roles is not None and "admin" not in change.roles):
        raise _OwnLockout("administrators cannot lock themselves out")


def _change_problem(error: Exception) -> str:
    if isinstance(error, NotFound):
        return _("Choose an organisation from the list.")
    return _("Choose at least one role; a password needs at least %(n)s characters.") % {
        "n": MIN_LENGTH
    }


@router.post("/users/{login}/tokens")
def issue_token(request: Request, login: str, call: PageCallDep) -> Response:
    """A new personal API token, shown on this answer only."""
    with call.begin() as tx:
        token = accounts.issue_token(tx.session, login=login[:64], actor=tx.actor)
    with call.begin() as tx:
        notice = _("Copy the token now: it is shown only once.")
        return _user(request, call, tx, login=login[:64], notice=notice, token=token)


@router.post("/users/{login}/tokens/{token_id}/revoke")
def revoke_token(login: str, token_id: RowId, call: PageCallDep) -> Response:
    with call.begin() as tx:
        accounts.revoke_token(tx.session, login=login[:64], token_id=token_id, actor=tx.actor)
    return RedirectResponse(f"/users/{login[:64]}?saved=1", status_code=303)
