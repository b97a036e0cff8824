"""`pathways dashboard …`: the manager's figures, exports and charts from the shell, and
`daily`, the job a scheduler runs each morning (snapshot, digest, mail)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from pathways.cli.edge import acting_as, emit_json, guarded, run, table, when
from pathways.dashboards import charts, durations, exports, service, snapshots
from pathways.dashboards import daily as daily_jobs
from pathways.dashboards.filters import DashboardFilter
from pathways.db.session import engine_for
from pathways.notifications import delivery
from pathways.people.actors import Actor
from pathways.settings import Settings, get_settings
from pathways.tasks import service as tasks

dashboard = typer.Typer(help="Deadlines and queues as managers see them.", no_args_is_help=True)

AS = typer.Option(None, "--as", help="login of the manager (default: the operator, who sees all)")
ORGANISATION = typer.Option(None, help="only this organisation (code)")
MODEL = typer.Option(None, "--model", help="only this pathway (model key)")
STEP = typer.Option(None, help="only this step (BPMN id)")
ASSIGNEE = typer.Option(None, help="only tasks held by this login")
JSON = typer.Option(False, "--json")


def _actor(session: Session, login: str | None) -> Actor:
    return acting_as(session, login)


def _plain(rows: list[Any]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(row) for row in rows]


@dashboard.command("overview")
def overview(
    login: str | None = AS,
    organisation: str | None = ORGANISATION,
    model: str | None = MODEL,
    step: str | None = STEP,
    assignee: str | None = ASSIGNEE,
    as_json: bool = JSON,
) -> None:
    """Open, at-risk and overdue tasks by organisation, pathway and step."""
    where = DashboardFilter(organisation=organisation, model=model, step=step, assignee=assignee)
    rows = run(
        lambda s, settings: service.overview(
            s, actor=_actor(s, login), filters=where, settings=settings
        )
    )
    if as_json:
        emit_json(_plain(rows))
        return
    table(
        [
            [r.organisation, r.model, r.step_name, str(r.open), str(r.at_risk), str(r.overdue)]
            for r in rows
        ],
        ["ORGANISATION", "PATHWAY", "STEP", "OPEN", "AT RISK", "OVERDUE"],
    )


@dashboard.command("overdue")
def overdue(
    login: str | None = AS,
    organisation: str | None = ORGANISATION,
    model: str | None = MODEL,
    step: str | None = STEP,
    assignee: str | None = ASSIGNEE,
    limit: int = typer.Option(100, min=1, max=10_000),
    as_json: bool = JSON,
) -> None:
    """Overdue tasks, longest overdue first (reading them is audited)."""
    where = DashboardFilter(organisation=organisation, model=model, step=step, assignee=assignee)
    rows = run(
        lambda s, _: service.overdue_tasks(s, actor=_actor(s, login), filters=where, limit=limit)
    )
    if as_json:
        emit_json(_plain(rows))
        return
    table(
        [
            [
                str(r.task_id),
                str(r.case_id),
                r.organisation,
                r.step_name,
                r.assignee or "-",
                when(r.due_at),
                f"{r.days_overdue} ({r.working_days_overdue} working)",
            ]  # fmt: skip
            for r in rows
        ],
        ["TASK", "CASE", "ORGANISATION", "STEP", "ASSIGNEE", "DUE", "DAYS OVERDUE"],
    )


@dashboard.command("export")
def export(
    what: str = typer.Argument(..., help="overdue or durations"),
    output: Path = typer.Option(..., "--output", "-o", help="file to write; .csv or .xlsx"),
    login: str | None = AS,
    organisation: str | None = ORGANISATION,
    model: str | None = MODEL,
    step: str | None = STEP,
    assignee: str | None = ASSIGNEE,
) -> None:
    """Write the overdue list or the step durations as CSV or XLSX."""
    if what not in ("overdue", "durations") or output.suffix not in (".csv", ".xlsx"):
        typer.echo("error: export overdue|durations to a .csv or .xlsx file", err=True)
        raise typer.Exit(64)
    where = DashboardFilter(organisation=organisation, model=model, step=step, assignee=assignee)

    def work(s: Session, _: Settings) -> tuple[list[str], list[list[exports.Cell]]]:
        actor = _actor(s, login)
        if what == "overdue":
            found = service.overdue_tasks(s, actor=actor, filters=where, limit=100_000)
            return exports.OVERDUE_HEADER, exports.overdue_rows(found)
        taken = durations.step_durations(s, actor=actor, filters=where)
        return exports.DURATION_HEADER, exports.duration_rows(taken)

    header, rows = run(work)
    if output.suffix == ".csv":
        output.write_text(exports.to_csv(header, rows), encoding="utf-8")
    else:
        output.write_bytes(exports.to_xlsx(what.capitalize(), header, rows))
    typer.echo(f"{len(rows)} rows written to {output}", err=True)


@dashboard.command("chart")
def chart(
    what: str = typer.Argument(..., help="trend or durations"),
    login: str | None = AS,
    organisation: str | None = ORGANISATION,
    model: str | None = MODEL,
    days: int = typer.Option(30, min=1, max=3650, help="days of trend to draw"),
) -> None:
    """Print an SVG chart: the daily trend of open and overdue tasks, or step durations."""
    where = DashboardFilter(organisation=organisation, model=model)

    def work(s: Session, _: Settings) -> str:
        actor = _actor(s, login)
        if what == "durations":
            taken = durations.step_durations(s, actor=actor, filters=where)
            return charts.duration_chart("Time per step against its deadline", taken)
        points = snapshots.trend(s, actor=actor, filters=where, days=days)
        return charts.line_chart(
            "Open, at-risk and overdue tasks",
            [p.day for p in points],
            {
                "open": [p.open for p in points],
                "at risk": [p.at_risk for p in points],
                "overdue": [p.overdue for p in points],
            },
        )

    if what not in ("trend", "durations"):
        typer.echo("error: chart trend|durations", err=True)
        raise typer.Exit(64)
    sys.stdout.write(run(work) + "\n")


@dashboard.command("reassign")
def reassign(
    absent: str = typer.Argument(..., help="login of the caseworker whose tasks move"),
    to: str | None = typer.Option(None, "--to", help="colleague to take them (default: queue)"),
    login: str = typer.Option(..., "--as", help="login of their manager"),
) -> None:
    """Move every open task of an absent caseworker to a colleague or back to the queue."""
    moved = run(
        lambda s, settings: len(
            tasks.reassign_all(
                s, from_login=absent, to_login=to, actor=_actor(s, login), settings=settings
            )
        )
    )
    _send_mail(get_settings())
    typer.echo(f"{moved} tasks of {absent} moved to {to or 'the queue'}")


@dashboard.command("daily")
def daily() -> None:
    """The morning job: today's snapshot, each organisation's digest, then the mail queue."""
    settings = get_settings()
    with guarded():
        done = daily_jobs.morning(engine_for(settings.database_url), settings)
    typer.echo(
        f"snapshot {done.day}: {done.snapshot_rows} rows;"
        f" digests for {len(done.digests)} organisations; {done.sent} sent"
    )


def _send_mail(settings: Settings) -> int:
    """After commit, outside any transaction."""
    sent = 0
    with guarded():
        sent = delivery.deliver(engine_for(settings.database_url), settings.smtp)
    return sent
