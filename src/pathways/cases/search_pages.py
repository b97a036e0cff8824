"""Pages that find cases again: `/cases` (search with filters) and `/clients/{reference}`.

The filters are a plain GET form, so a search is a link that can be kept or shared and
works without JavaScript; the services apply the same visibility and audit as the API.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from pathways.cases import search
from pathways.clock import HELSINKI
from pathways.errors import InvalidData
from pathways.people import service as people
from pathways.processes import service as processes
from pathways.web.caller import PageCallDep
from pathways.web.i18n import _
from pathways.web.templating import render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=64)]
Day = Annotated[str, Query(max_length=10)]
PAGE_SIZE = 25
_FILTERS = ("reference", "pathway", "state", "organisation", "step")
_DAYS = ("opened_from", "opened_to", "finished_from", "finished_to")


@router.get("/cases")
def cases_page(
    request: Request,
    call: PageCallDep,
    reference: Text = "",
    pathway: Text = "",
    state: Text = "",
    organisation: Text = "",
    step: Text = "",
    opened_from: Day = "",
    opened_to: Day = "",
    finished_from: Day = "",
    finished_to: Day = "",
    sort: Text = "-started_at",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Cases the caller may see, running and finished, one page at a time."""
    values = dict(zip(_FILTERS, (reference, pathway, state, organisation, step), strict=True))
    days = dict(zip(_DAYS, (opened_from, opened_to, finished_from, finished_to), strict=True))
    problem = None
    with call.begin() as tx:
        try:
            where = _filter(values, days, sort, page)
            found = search.search(tx.session, where=where, actor=tx.actor, purpose="case list")
        except InvalidData:
            problem = _("Check the filters: dates are days such as 2026-12-01.")
            found = search.CasePage(total=0, rows=[])
        context: dict[str, Any] = {
            **call.layout(tx),
            "values": {**values, **days, "sort": sort},
            "found": found,
            "problem": problem,
            "page": page,
            "pages": max(1, -(-found.total // PAGE_SIZE)),
            "link": lambda n: "/cases?" + urlencode({**values, **days, "sort": sort, "page": n}),
            "pathways": [
                (m.key, m.name) for m, _n, latest in processes.list_models(tx.session) if latest
            ],
            "organisations": [(o.code, o) for o in people.list_organisations(tx.session)],
            "sorts": _sorts(),
            "states": _states(),
            "state_names": _state_names(),
        }
        return render(request, "cases/list.html", context, status=422 if problem else 200)


def _filter(
    values: dict[str, str], days: dict[str, str], sort: str, page: int
) -> search.CaseFilter:
    return search.CaseFilter(
        reference=values["reference"] or None,
        model=values["pathway"] or None,
        state=values["state"] or None,
        organisation=values["organisation"] or None,
        step=values["step"] or None,
        started_from=_day_start(days["opened_from"]),
        started_to=_day_start(days["opened_to"], after=1),
        ended_from=_day_start(days["finished_from"]),
        ended_to=_day_start(days["finished_to"], after=1),
        sort=sort,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )


def _day_start(typed: str, *, after: int = 0) -> datetime | None:
    """Midnight in Helsinki of the day typed (or of the day after it: "to" includes the day)."""
    if not typed:
        return None
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        raise InvalidData("a day is written yyyy-mm-dd") from None
    return datetime.combine(day + timedelta(days=after), time(), tzinfo=HELSINKI)


def _sorts() -> list[tuple[str, str]]:
    return [
        ("-started_at", _("Newest first")),
        ("started_at", _("Oldest first")),
        ("-ended_at", _("Finished most recently")),
        ("reference", _("Client reference")),
    ]


def _states() -> list[tuple[str, str]]:
    return [
        ("running", _("In progress")),
        ("finished", _("Finished")),
        ("cancelled", _("Cancelled")),
    ]


def _state_names() -> dict[str, str]:
    """Stored states (a finished case is "completed") in the page's language."""
    return dict(_states()) | {"completed": _("Finished")}


@router.get("/clients/{reference}")
def client_page(
    request: Request, reference: Annotated[str, Path(max_length=64)], call: PageCallDep
) -> Response:
    """All of one client's cases across pathways that the caller may see."""
    with call.begin() as tx:
        found = search.of_client(
            tx.session, reference=reference, actor=tx.actor, purpose="client page"
        )
        context = {
            **call.layout(tx),
            "client": found.rows[0].instance.client,
            "found": found,
            "states": _state_names(),
        }
        return render(request, "cases/client.html", context)
