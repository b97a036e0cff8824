"""The manager's pages: the deadlines dashboard, its charts, and the heatmap of a pathway.

The figures come from the same services as `/api/dashboard`, so the same scope applies
(a manager sees their organisation, an admin all) and reading the overdue list is
audited there. Charts are SVG documents served as images: no markup of theirs ever
lands in the page, and the page's strict CSP stays as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from pathways import clock
from pathways.clock import HELSINKI
from pathways.dashboards import charts, durations, snapshots, workload
from pathways.dashboards import service as dashboards
from pathways.dashboards.filters import DashboardFilter
from pathways.edge.caller import Tx
from pathways.edge.params import RowId
from pathways.errors import NotFound
from pathways.people import permissions
from pathways.processes import service as processes
from pathways.web import views
from pathways.web.caller import PageCallDep
from pathways.web.i18n import _, form_text
from pathways.web.templating import DIAGRAM_CSP, SECURITY_HEADERS, STATIC_DIR, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=128)]
Day = Annotated[str | None, Query(max_length=10)]
# Charts are drawn for the width they are shown at (the page asks for a phone's or a
# desktop's), so their texts stay legible instead of being scaled down.
ChartWidth = Annotated[int, Query(ge=320, le=1200)]
HEATMAP_BUNDLE = STATIC_DIR / "build" / "heatmap.js"
DURATION_PERIOD = timedelta(days=90)
TREND_DAYS = 30
# The page lists the longest overdue; the export has them all.
OVERDUE_SHOWN = 200


@dataclass(frozen=True)
class Typed:
    """The filter form as typed: strings, kept to show them back in the form."""

    organisation: str = ""
    pathway: str = ""
    step: str = ""
    assignee: str = ""
    due_from: str = ""
    due_to: str = ""

    def filters(self) -> DashboardFilter:
        return DashboardFilter(
            organisation=self.organisation or None,
            model=self.pathway or None,
            step=self.step or None,
            assignee=self.assignee or None,
            due_after=_start_of_day(self.due_from),
            due_before=views.end_of_day(self.due_to),
        )

    def query(self) -> str:
        """The same filters as the query of a chart route of this page."""
        return urlencode({k: v for k, v in self.__dict__.items() if v})

    def export_query(self, format_: str) -> str:
        """The same filters in the export API's terms (model, due_after, due_before)."""
        where = self.filters()
        named = {
            "format": format_,
            "organisation": where.organisation,
            "model": where.model,
            "step": where.step,
            "assignee": where.assignee,
            "due_after": where.due_after.isoformat() if where.due_after else None,
            "due_before": where.due_before.isoformat() if where.due_before else None,
        }
        return urlencode({k: v for k, v in named.items() if v})


def _start_of_day(typed: str) -> datetime | None:
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        return None
    return datetime.combine(day, time(), tzinfo=HELSINKI)


def _typed(
    organisation: Text = None,
    pathway: Text = None,
    step: Text = None,
    assignee: Text = None,
    due_from: Day = None,
    due_to: Day = None,
) -> Typed:
    """The filter form of the page and of its charts, from the query."""
    values = (organisation, pathway, step, assignee, due_from, due_to)
    return Typed(*((v or "").strip() for v in values))


TypedFilters = Annotated[Typed, Depends(_typed)]


@router.get("/dashboard")
def dashboard_page(
    request: Request,
    call: PageCallDep,
    typed: TypedFilters,
) -> Response:
    """Totals, counts by organisation, pathway and step, each person's workload, the
    overdue list and two charts; every count links to the tasks behind it."""
    with call.begin() as tx:
        scope = permissions.dashboard_scope(tx.actor)
        choices = workload.choices(tx.session, actor=tx.actor)
        models = processes.list_models(tx.session)
        # A manager who names another organisation is refused by the service (403).
        known = _known(typed, choices, organisations=scope is None)
        problem = None
        if known != typed:
            # A value typed into the query that names nothing: say so on the page.
            problem = _(
                "Nothing matches the chosen organisation, step or person: that filter is left out."
            )
        try:
            figures = _figures(tx, known)
        except NotFound:  # a pathway key that names no pathway
            problem = _(
                "Nothing matches the chosen organisation, step or person: that filter is left out."
            )
            known = Typed(due_from=typed.due_from, due_to=typed.due_to)
            figures = _figures(tx, known)
        context: dict[str, Any] = {
            **call.layout(tx),
            **figures,
            "typed": typed,
            "problem": problem,
            "filtered": any(typed.__dict__.values()),
            "chart_query": known.query(),
            "csv_query": known.export_query("csv"),
            "xlsx_query": known.export_query("xlsx"),
            "pathways": [(m.key, m.name) for m, _n, _latest in models],
            "pathway_names": {m.key: m.name for m, _n, _latest in models},
            "choices": choices,
            "organisation_names": dict(choices.organisations),
            "person_names": dict(choices.people),
            "all_organisations": scope is None,
            "now": clock.now(),
            "due_text": views.due_text,
            "link": _link_maker(known),
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        }
        return render(request, "dashboards/dashboard.html", context, status=422 if problem else 200)


def _known(typed: Typed, choices: workload.Choices, *, organisations: bool) -> Typed:
    """The typed filters without an organisation, step or person the view does not know."""

    def kept(value: str, offered: list[tuple[str, str]]) -> str:
        return value if value in {v for v, _name in offered} else ""

    return replace(
        typed,
        organisation=(
            kept(typed.organisation, choices.organisations) if organisations else typed.organisation
        ),
        step=kept(typed.step, choices.steps),
        assignee=kept(typed.assignee, choices.people),
    )


def _figures(tx: Tx, typed: Typed) -> dict[str, Any]:
    where = typed.filters()
    counts = dashboards.overview(tx.session, actor=tx.actor, filters=where, settings=tx.settings)
    late = dashboards.overdue_tasks(tx.session, actor=tx.actor, filters=where, limit=OVERDUE_SHOWN)
    versions = dashboards.versions_in_view(tx.session, actor=tx.actor, filters=where)
    return {
        "counts": counts,
        "late": late,
        "late_cut": len(late) == OVERDUE_SHOWN,
        "totals": {
            "open": sum(c.open for c in counts),
            "at_risk": sum(c.at_risk for c in counts),
            "overdue": sum(c.overdue for c in counts),
        },
        "people": workload.workload(tx.session, actor=tx.actor, filters=where, now=clock.now()),
        "heatmaps": _by_model(versions),
    }


def _link_maker(typed: Typed) -> Any:
    """`link(standing, **narrower)`: the task list behind a count, under this page's filters."""

    def link(standing: str, **narrower: str) -> str:
        values = {**{k: v for k, v in typed.__dict__.items() if v}, **narrower}
        return "/dashboard/tasks?" + urlencode({**values, "standing": standing})

    return link


def _by_model(versions: list[tuple[str, int]]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for key, number in versions:
        found.setdefault(key, []).append(number)
    return found


@router.get("/dashboard/trend.svg")
def trend_chart(
    call: PageCallDep,
    typed: TypedFilters,
    width: ChartWidth = 720,
) -> Response:
    """Open, at-risk and overdue tasks per day over the last 30 days."""
    where = typed.filters()
    with call.begin() as tx:
        points = snapshots.trend(tx.session, actor=tx.actor, filters=where, days=TREND_DAYS)
    title = _("Open, at-risk and overdue tasks, last %(days)d days") % {"days": TREND_DAYS}
    if not points:
        return _svg(
            charts.note(title, _("No daily figures yet: they are taken each morning."), width=width)
        )
    svg = charts.line_chart(
        title,
        [p.day for p in points],
        {
            _("Open"): [p.open for p in points],
            _("At risk"): [p.at_risk for p in points],
            _("Overdue"): [p.overdue for p in points],
        },
        width=width,
    )
    return _svg(svg)


@router.get("/dashboard/durations.svg")
def duration_chart(
    call: PageCallDep,
    typed: TypedFilters,
    width: ChartWidth = 720,
) -> Response:
    """Median and 90th percentile time per step against its deadline, last 90 days."""
    where = typed.filters()
    with call.begin() as tx:
        rows = durations.step_durations(
            tx.session,
            actor=tx.actor,
            filters=where,
            completed_after=clock.now() - DURATION_PERIOD,
        )
        names = {m.key: m.name for m, _n, _latest in processes.list_models(tx.session)}
    title = _("Time per step, completed in the last %(days)d days") % {"days": DURATION_PERIOD.days}
    if not rows:
        return _svg(charts.note(title, _("No step was completed in this period."), width=width))
    labels = [f"{form_text(names.get(r.model, r.model))}: {form_text(r.step_name)}" for r in rows]
    legend = (_("filled: median"), _("outlined: 90th percentile"), _("bar: deadline"))
    svg = charts.duration_chart(
        title, rows, width=width, labels=labels, legend=legend, unit=_("%s d")
    )
    return _svg(svg)


def _svg(body: str) -> Response:
    # An image of the page's own origin; with nosniff and its own CSP it stays inert
    # even when opened on its own.
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": "default-src 'none'"}
    return Response(body, media_type="image/svg+xml", headers=headers)


@router.get("/dashboard/heatmap/{key}/{version}")
def heatmap_page(key: str, version: RowId, request: Request, call: PageCallDep) -> Response:
    """One pathway version's diagram with its figures on each step (drawn by the bundle);
    the same figures as a table for anyone without it."""
    with call.begin() as tx:
        steps = dashboards.heatmap(tx.session, actor=tx.actor, model=key[:128], version=version)
        model = processes.get_model(tx.session, key)
        names = dashboards.step_names(tx.session, model=key, version=version)
        drawn = processes.element_names(
            processes.get_version(tx.session, key, version), tx.settings
        )
        context = {
            **call.layout(tx),
            "key": key,
            "version": version,
            "name": model.name,
            "steps": [(s, names.get(s.step, s.step)) for s in steps],
            "built": HEATMAP_BUNDLE.is_file(),
            "labels": _labels(),
            "names": _diagram_names(drawn),
        }
        page = render(request, "dashboards/heatmap.html", context)
    page.headers["Content-Security-Policy"] = DIAGRAM_CSP
    return page


def _diagram_names(names: set[str]) -> str:
    """The diagram's English names in the page's language, for the bundle to draw."""
    return json.dumps({name: form_text(name) for name in sorted(names) if form_text(name) != name})


def _labels() -> str:
    return json.dumps(
        {
            "open": _("Open"),
            "overdue": _("Overdue"),
            "median": _("Median wait"),
            "days": _("days"),
            "missing": _("Steps with open tasks that are not on this diagram: {count}"),
            "failed": _("The diagram could not be shown; the table below has the figures."),
            "nodiagram": _("This version has no diagram layout; the table below has the figures."),
        }
    )
