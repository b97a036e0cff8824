"""`pathways incidents …`: cases the timer poller gave up on; retry or cancel them."""

from __future__ import annotations

import typer

from pathways.cli.edge import emit_json, run, table, when
from pathways.incidents import service as incidents
from pathways.incidents.models import IncidentState
from pathways.incidents.schemas import IncidentOut
from pathways.people.actors import Actor

incidents_app = typer.Typer(
    help="Incidents: cases whose timers kept failing, waiting for an administrator.",
    no_args_is_help=True,
)


@incidents_app.command("list")
def list_incidents(
    state: str = typer.Option("open", help="open, retried, cancelled or all"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Incidents, newest first."""
    choices = {"all": None, **{s.value: s for s in IncidentState}}
    if state not in choices:
        typer.echo(f"error: --state is one of {', '.join(choices)}", err=True)
        raise typer.Exit(64)
    rows = run(
        lambda s, _cfg: [
            IncidentOut.of(row.incident, row.model)
            for row in incidents.list_incidents(s, actor=Actor.operator(), state=choices[state])
        ]
    )
    if as_json:
        emit_json(rows)
        return
    table(
        [
            [str(r.id), str(r.instance_id), r.model or "-", r.element, str(r.attempts)]
            + [r.state, when(r.opened_at), r.reason]
            for r in rows
        ],
        ["id", "case", "model", "element", "attempts", "state", "opened", "reason"],
    )


@incidents_app.command("retry")
def retry(incident_id: int) -> None:
    """Close the incident; the poller fires the case's timers again from scratch."""
    run(lambda s, _cfg: incidents.retry(s, incident_id=incident_id, actor=Actor.operator()))
    typer.echo(f"incident {incident_id} closed; its case's timers will be tried again")


@incidents_app.command("cancel")
def cancel(incident_id: int) -> None:
    """Close the incident and cancel its case."""
    run(
        lambda s, cfg: incidents.cancel(
            s, incident_id=incident_id, actor=Actor.operator(), settings=cfg
        )
    )
    typer.echo(f"incident {incident_id} closed; its case is cancelled")
