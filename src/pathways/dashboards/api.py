"""Routes for managers: where cases wait and which deadlines are missed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel

from pathways.dashboards import exports
from pathways.dashboards import service as dashboards
from pathways.dashboards.filters import DashboardFilter
from pathways.edge.caller import CallDep

router = APIRouter(prefix="/api/dashboard", tags=["dashboards"])


class Totals(BaseModel):
    open: int
    at_risk: int
    overdue: int


class OverdueOut(BaseModel):
    totals: Totals
    steps: list[dashboards.StepCount]
    overdue: list[dashboards.OverdueTask]


Short = Annotated[str | None, Query(max_length=128)]


def _filters(
    organisation: Short = None,
    model: Short = None,
    step: Short = None,
    assignee: Short = None,
    due_after: datetime | None = None,
    due_before: datetime | None = None,
) -> DashboardFilter:
    """The same filters for the figures, the list and the exports."""
    return DashboardFilter(
        organisation=organisation,
        model=model,
        step=step,
        assignee=assignee,
        due_after=due_after,
        due_before=due_before,
    )


Filters = Annotated[DashboardFilter, Depends(_filters)]


@router.get("/overdue")
def overdue(
    call: CallDep,
    where: Filters,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> OverdueOut:
    """Open, at-risk and overdue counts by organisation, pathway and step, and the overdue
    tasks longest overdue first (managers see their organisation, admins all)."""
    with call.begin() as tx:
        counts = dashboards.overview(
            tx.session, actor=tx.actor, filters=where, settings=tx.settings
        )
        late = dashboards.overdue_tasks(
            tx.session, actor=tx.actor, filters=where, limit=limit, offset=offset
        )
    return OverdueOut(
        totals=Totals(
            open=sum(c.open for c in counts),
            at_risk=sum(c.at_risk for c in counts),
            overdue=sum(c.overdue for c in counts),
        ),
        steps=counts,
        overdue=late,
    )


class ElementHeatOut(BaseModel):
    step: str
    open: int
    overdue: int
    median_wait_seconds: float | None


class HeatmapOut(BaseModel):
    model: str
    version: int
    steps: list[ElementHeatOut]


@router.get("/heatmap")
def heatmap(
    call: CallDep,
    model: Annotated[str, Query(max_length=128)],
    version: Annotated[int, Query(ge=1, le=1_000_000)],
) -> HeatmapOut:
    """Per BPMN element of one pathway version: open and overdue tasks and their median
    wait so far (managers see their organisation's tasks, admins all)."""
    with call.begin() as tx:
        found = dashboards.heatmap(tx.session, actor=tx.actor, model=model, version=version)
    return HeatmapOut(
        model=model,
        version=version,
        steps=[ElementHeatOut.model_validate(e, from_attributes=True) for e in found],
    )


@router.get(
    "/overdue/export",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                exports.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
def overdue_export(
    call: CallDep,
    where: Filters,
    format: Literal["csv", "xlsx"] = "csv",  # noqa: A002 — the query parameter's name
) -> Response:
    """The overdue list as CSV or XLSX, with the same filters; formulas are neutralised."""
    with call.begin() as tx:
        late = dashboards.overdue_tasks(tx.session, actor=tx.actor, filters=where, limit=10_000)
    rows = exports.overdue_rows(late)
    if format == "xlsx":
        body = exports.to_xlsx("Overdue", exports.OVERDUE_HEADER, rows)
        return Response(body, media_type=exports.XLSX_TYPE, headers=_attachment("overdue.xlsx"))
    text = exports.to_csv(exports.OVERDUE_HEADER, rows)
    return Response(text, media_type="text/csv; charset=utf-8", headers=_attachment("overdue.csv"))


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
