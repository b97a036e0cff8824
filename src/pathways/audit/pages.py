"""Pages of the audit log: the log with filters and paging and its CSV export (for
administrators), and a client's access report (for the caseworkers who serve the client,
and administrators), printable to hand to the client.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from pathways.audit import reports
from pathways.audit import service as audit
from pathways.audit.models import AuditEvent
from pathways.clock import HELSINKI
from pathways.edge.caller import Tx
from pathways.edge.params import MAX_BIG_ID, MAX_ID
from pathways.web.caller import PageCallDep
from pathways.web.i18n import _
from pathways.web.templating import SECURITY_HEADERS, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
_BATCH = 1000
Text = Annotated[str, Query(max_length=64)]
# A cell starting like this is run as a formula by spreadsheets: keep it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Filters:
    """The filters as typed in the form, and as the service's `AuditFilter`."""

    actor: str = ""
    client: str = ""
    case: str = ""
    action: str = ""
    since: str = ""
    until: str = ""

    def where(self, *, before: int | None, limit: int) -> audit.AuditFilter | None:
        """None when a filter cannot be read (a case that is not a number, a bad date)."""
        try:
            case = int(self.case) if self.case else None
            since = date.fromisoformat(self.since) if self.since else None
            until = date.fromisoformat(self.until) if self.until else None
        except ValueError:
            return None
        if case is not None and not 1 <= case <= MAX_ID:
            return None
        return audit.AuditFilter(
            actor=self.actor or None,
            client_reference=self.client or None,
            instance_id=case,
            action=self.action or None,
            since=_start_of(since),
            until=_start_of(until + timedelta(days=1)) if until else None,
            before_id=before,
            limit=limit,
        )

    def query(self, **extra: str | int) -> str:
        pairs = {k: v for k, v in vars(self).items() if v} | extra
        return "&".join(f"{k}={quote(str(v), safe='')}" for k, v in pairs.items())


def _start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=HELSINKI) if day else None


def _filters(actor: str, client: str, case: str, action: str, since: str, until: str) -> Filters:
    return Filters(
        actor=actor.strip(),
        client=client.strip(),
        case=case.strip(),
        action=action.strip(),
        since=since.strip()[:10],
        until=until.strip()[:10],
    )


@router.get("/audit")
def audit_page(
    request: Request,
    call: PageCallDep,
    actor: Text = "",
    client: Text = "",
    case: Text = "",
    action: Text = "",
    since: Text = "",
    until: Text = "",
    before: Annotated[int | None, Query(ge=1, le=MAX_BIG_ID)] = None,
) -> Response:
    """The log, newest first, a page at a time; each filter narrows it."""
    typed = _filters(actor, client, case, action, since, until)
    where = typed.where(before=before, limit=PAGE_SIZE + 1)
    with call.begin() as tx:
        events = list(_events(tx, where)) if where else []
        if where is None:  # still an administrator's page: check before answering
            audit.list_events(tx.session, where=audit.AuditFilter(limit=1), actor=tx.actor)
        if where is not None:  # who looked into the log, and for what
            _record_view(tx, "audit.viewed", typed)
        more = len(events) > PAGE_SIZE
        events = events[:PAGE_SIZE]
        context: dict[str, Any] = {
            **call.layout(tx),
            "filters": typed,
            "events": [(e, _details(e)) for e in events],
            "older": typed.query(before=events[-1].id) if more and events else None,
            "paged": before is not None,
            "newest": typed.query(),
            "export": typed.query(),
            "problem": None if where else _("Check the filters: a case is a number, a day a date."),
        }
        return render(request, "audit/log.html", context, status=200 if where else 422)


def _record_view(tx: Tx, action: str, typed: Filters) -> None:
    details = {k: v for k, v in vars(typed).items() if v}
    audit.record(tx.session, actor=tx.actor.login, action=action, details=details)


def _events(tx: Tx, where: audit.AuditFilter) -> list[AuditEvent]:
    return list(audit.list_events(tx.session, where=where, actor=tx.actor))


def _details(event: AuditEvent) -> str:
    return ", ".join(f"{k}: {_short(v)}" for k, v in sorted(event.details.items()))


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:119] + "…"


@router.get("/audit/export.csv")
def export_csv(
    call: PageCallDep,
    actor: Text = "",
    client: Text = "",
    case: Text = "",
    action: Text = "",
    since: Text = "",
    until: Text = "",
) -> Response:
    """Every event the filters select (up to 100,000), oldest last, as CSV."""
    typed = _filters(actor, client, case, action, since, until)
    where = typed.where(before=None, limit=_BATCH)
    with call.begin() as tx:
        if where is None:
            audit.list_events(tx.session, where=audit.AuditFilter(limit=1), actor=tx.actor)
            return Response(
                _("Check the filters: a case is a number, a day a date."),
                status_code=422,
                media_type="text/plain; charset=utf-8",
                headers=SECURITY_HEADERS,
            )
        body = _csv(tx, where)
        _record_view(tx, "audit.exported", typed)
    headers = {**SECURITY_HEADERS, "Content-Disposition": 'attachment; filename="audit.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


def _csv(tx: Tx, where: audit.AuditFilter) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "action", "case", "task", "details"])
    written, before = 0, None
    while written < EXPORT_LIMIT:
        batch = audit.list_events(tx.session, where=_page(where, before), actor=tx.actor)
        for e in batch:
            at = e.at.astimezone(HELSINKI).isoformat(timespec="seconds")
            details = json.dumps(e.details, ensure_ascii=False, sort_keys=True)
            cells = [e.id, at, e.actor or "", e.action, e.instance_id or "", e.task_id or ""]
            writer.writerow([_safe(c) for c in [*cells, details]])
        written += len(batch)
        if len(batch) < where.limit:
            break
        before = batch[-1].id
    return out.getvalue()


def _page(where: audit.AuditFilter, before: int | None) -> audit.AuditFilter:
    return replace(where, before_id=before)


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def purpose_names() -> dict[str, str]:
    """The purposes our own pages and the API's default give, in the page's language."""
    return {
        "case page": _("Opened the case to handle it"),
        "task page": _("Opened a step of the case to work on it"),
        "case handling": _("Case handling"),
    }


@router.get("/clients/{reference}/access-report")
def access_report_page(request: Request, reference: str, call: PageCallDep) -> Response:
    """Who read the client's data, when and why: a page to print and hand to the client."""
    with call.begin() as tx:
        report = reports.access_report(tx.session, reference=reference[:64], actor=tx.actor)
        context = {**call.layout(tx), "report": report, "purpose_names": purpose_names()}
        return render(request, "audit/access_report.html", context)
