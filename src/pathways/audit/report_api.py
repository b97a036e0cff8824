"""The access report over the API: who read a client's data, when and why."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel

from pathways.audit import reports
from pathways.edge.caller import CallDep

router = APIRouter(prefix="/api/clients", tags=["audit"])


class AccessRowOut(BaseModel):
    at: datetime
    reader: str | None
    reader_name: str | None
    organisation: str | None
    case_id: int | None
    pathway: str | None
    step: str | None
    purpose: str | None


class AccessReportOut(BaseModel):
    reference: str
    made_at: datetime
    made_by: str
    reads: list[AccessRowOut]


@router.get("/{reference}/access-report")
def access_report(reference: Annotated[str, Path(max_length=64)], call: CallDep) -> AccessReportOut:
    """Every read of the client's data, oldest first, with the reader's purpose. For
    caseworkers and managers of an organisation serving the client, and administrators;
    making the report is itself recorded as a read."""
    with call.begin() as tx:
        report = reports.access_report(tx.session, reference=reference, actor=tx.actor)
        return AccessReportOut(
            reference=report.reference,
            made_at=report.made_at,
            made_by=report.made_by,
            reads=[AccessRowOut(**vars(row)) for row in report.rows],
        )
