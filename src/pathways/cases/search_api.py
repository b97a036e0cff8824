"""Routes that find cases: `GET /api/instances` (search) and `GET /api/clients/{reference}`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query

from pathways.cases import search
from pathways.cases.schemas import CaseListOut, CaseSummaryOut, ClientCasesOut
from pathways.edge.caller import CallDep

router = APIRouter(tags=["cases"])
Purpose = Annotated[
    str, Header(alias="X-Purpose", max_length=200, description="why client data is read")
]
Code = Annotated[str | None, Query(max_length=128)]
Prefix = Annotated[str | None, Query(max_length=64, description="prefix, case ignored")]
Step = Annotated[str | None, Query(max_length=255, description="bpmn id of an open task")]
StateName = Literal["running", "finished", "completed", "cancelled"]


@router.get("/api/instances")
def find_cases(
    call: CallDep,
    reference: Annotated[
        str | None, Query(max_length=64, description="prefix, case ignored")
    ] = None,
    model: Code = None,
    state: StateName | None = None,
    organisation: Code = None,
    step: Annotated[
        str | None, Query(max_length=255, description="bpmn id of an open task")
    ] = None,
    started_from: datetime | None = None,
    started_to: datetime | None = None,
    ended_from: datetime | None = None,
    ended_to: datetime | None = None,
    sort: search.Sort = "-started_at",
    limit: Annotated[int, Query(ge=1, le=search.MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    purpose: Purpose = "find cases",
) -> CaseListOut:
    """Cases the caller may see, running and finished, one page and the total that match."""
    where = search.CaseFilter(
        reference=reference,
        model=model,
        state=state,
        organisation=organisation,
        step=step,
        started_from=started_from,
        started_to=started_to,
        ended_from=ended_from,
        ended_to=ended_to,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    with call.begin() as tx:
        page = search.search(tx.session, where=where, actor=tx.actor, purpose=purpose)
        return CaseListOut(
            total=page.total,
            limit=limit,
            offset=offset,
            items=[CaseSummaryOut.of(r.instance, list(r.open_tasks)) for r in page.rows],
        )


@router.get("/api/clients/{reference}")
def client_cases(
    reference: Annotated[str, Path(max_length=64)],
    call: CallDep,
    purpose: Purpose = "client page",
) -> ClientCasesOut:
    """Every case of the client across pathways that the caller may see; 404 when none."""
    with call.begin() as tx:
        page = search.of_client(tx.session, reference=reference, actor=tx.actor, purpose=purpose)
        client = page.rows[0].instance.client
        return ClientCasesOut(
            reference=client.reference,
            municipality=client.municipality,
            cases=[CaseSummaryOut.of(r.instance, list(r.open_tasks)) for r in page.rows],
        )
