"""Administrators' pages for organisations: kind, the municipalities each covers, and the
days it is closed (which move its working-day deadlines from then on).

Changes go through `people.accounts` and `deadlines.calendars`, which check for an
administrator first and audit what changed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from pathways.deadlines import calendars
from pathways.edge.caller import Tx
from pathways.errors import Conflict, InvalidData, NotFound
from pathways.organisation_kinds import ENGLISH_NAMES, OrganisationKind
from pathways.people import accounts
from pathways.people.schemas import OrganisationChange
from pathways.people.service import NAME_LANGUAGES
from pathways.web.caller import PageCall, PageCallDep
from pathways.web.i18n import _, form_text
from pathways.web.templating import render

router = APIRouter(include_in_schema=False)
_FAILED = (InvalidData, Conflict, NotFound, ValidationError)
_SPLIT = re.compile(r"[\s,;]+")


def kind_names() -> dict[str, str]:
    """Each kind's name in the page's language (the models' lane names, translated)."""
    return {kind.value: form_text(ENGLISH_NAMES[kind]) for kind in OrganisationKind}


def _change(call: PageCall) -> OrganisationChange:
    covers = [c for c in _SPLIT.split(call.field("covers")[:5000].lower()) if c]
    names = {lang: call.field(f"name_{lang}")[:200] for lang in NAME_LANGUAGES}
    return OrganisationChange(
        name=call.field("name")[:200], kind=call.field("kind")[:32], covers=covers, names=names
    )


def _explain(error: Exception) -> str:
    if isinstance(error, Conflict):
        return _("An organisation with this code exists already.")
    return _(
        "Give a name, choose a kind, and write codes in lower-case letters, digits,"
        " - or _ (covered municipalities separated by commas)."
    )


@router.get("/organisations")
def organisations_page(request: Request, call: PageCallDep) -> Response:
    with call.begin() as tx:
        return _list(request, call, tx, values={}, problem=None)


@router.post("/organisations")
def create_organisation(request: Request, call: PageCallDep) -> Response:
    code = call.field("code")[:64]
    fields = ("code", "name", "kind", "covers", *(f"name_{lang}" for lang in NAME_LANGUAGES))
    values = {n: call.field(n)[:5000] for n in fields}
    try:
        with call.begin() as tx:
            accounts.create_organisation(
                tx.session, code=code, change=_change(call), actor=tx.actor
            )
        return RedirectResponse(f"/organisations/{code}?saved=1", status_code=303)
    except _FAILED as error:
        problem = _explain(error)
    with call.begin() as tx:
        return _list(request, call, tx, values=values, problem=problem, status=422)


def _list(
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
        "organisations": accounts.list_organisations(tx.session, actor=tx.actor),
        "kinds": kind_names(),
        "values": values,
        "problem": problem,
    }
    return render(request, "people/organisations.html", context, status=status)


@router.get("/organisations/{code}")
def organisation_page(request: Request, code: str, call: PageCallDep) -> Response:
    notice = _("The changes were saved.") if request.query_params.get("saved") else None
    with call.begin() as tx:
        return _one(request, call, tx, code=code[:64], notice=notice)


def _one(
    request: Request,
    call: PageCall,
    tx: Tx,
    *,
    code: str,
    notice: str | None = None,
    problem: str | None = None,
    status: int = 200,
) -> Response:
    organisation = accounts.get_organisation(tx.session, code=code, actor=tx.actor)
    context: dict[str, Any] = {
        **call.layout(tx),
        "organisation": organisation,
        "kinds": kind_names(),
        "closed": calendars.closed_days(tx.session, organisation=code),
        "notice": notice,
        "problem": problem,
    }
    return render(request, "people/organisation.html", context, status=status)


@router.post("/organisations/{code}")
def change_organisation(request: Request, code: str, call: PageCallDep) -> Response:
    code = code[:64]
    try:
        with call.begin() as tx:
            accounts.update_organisation(
                tx.session, code=code, change=_change(call), actor=tx.actor
            )
        return RedirectResponse(f"/organisations/{code}?saved=1", status_code=303)
    except _FAILED as error:
        problem = _explain(error)
    with call.begin() as tx:
        return _one(request, call, tx, code=code, problem=problem, status=422)


@router.post("/organisations/{code}/closed-days")
def close_day(request: Request, code: str, call: PageCallDep) -> Response:
    code = code[:64]
    try:
        day = date.fromisoformat(call.field("day")[:10])
        reason = call.field("reason")[:255] or None
        with call.begin() as tx:
            calendars.close_day_as(
                tx.session, actor=tx.actor, organisation=code, day=day, reason=reason
            )
        return RedirectResponse(f"/organisations/{code}?saved=1", status_code=303)
    except (ValueError, InvalidData):
        problem = _("Enter the day as a date, such as 2026-12-31.")
    with call.begin() as tx:
        return _one(request, call, tx, code=code, problem=problem, status=422)


@router.post("/organisations/{code}/closed-days/{day}/open")
def open_day(code: str, day: date, call: PageCallDep) -> Response:
    code = code[:64]
    with call.begin() as tx:
        calendars.open_day_as(tx.session, actor=tx.actor, organisation=code, day=day)
    return RedirectResponse(f"/organisations/{code}?saved=1", status_code=303)
