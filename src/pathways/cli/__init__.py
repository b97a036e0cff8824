"""The `pathways` command: every use case from the shell.

Each command runs in one transaction; errors print one line on stderr and exit
non-zero (65 bad input, 66 not found, 69 database unavailable, 75 conflict,
77 not permitted).
"""

from __future__ import annotations

import logging

import typer

from pathways import demo as demo_data
from pathways.cli.admin import db, organisations, users
from pathways.cli.cases import instances
from pathways.cli.closed_days import close_day
from pathways.cli.dashboard import dashboard
from pathways.cli.edge import run, table
from pathways.cli.incidents import incidents_app
from pathways.cli.models import models
from pathways.cli.serve import serve
from pathways.cli.tasks import tasks_app
from pathways.cli.worker import worker
from pathways.edge import logs
from pathways.people.passwords import DEMO_PASSWORD
from pathways.settings import get_settings

app = typer.Typer(
    help="Pathways: multi-agency service pathways on BPMN.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db, name="db")
organisations.command("close-day")(close_day)
app.add_typer(organisations, name="organisations")
app.add_typer(users, name="users")
app.add_typer(models, name="models")
app.add_typer(instances, name="instances")
app.add_typer(tasks_app, name="tasks")
app.add_typer(incidents_app, name="incidents")
app.command("serve")(serve)
app.add_typer(dashboard, name="dashboard")
app.command("worker")(worker)


@app.command("demo")
def demo() -> None:
    """Load the demo organisations and people (idempotent) and say how to try a case."""
    created = run(lambda s, settings: demo_data.load(s, passwords=settings.demo))
    typer.echo(f"demo: {created[0]} organisations and {created[1]} users created")
    if get_settings().demo:
        typer.echo(f"demo mode: every demo user logs in with the password {DEMO_PASSWORD}")
    table(
        [[u.login, u.organisation, ",".join(u.roles), u.name] for u in demo_data.USERS],
        ["LOGIN", "ORGANISATION", "ROLES", "NAME"],
    )


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logs.quiet_libraries()
    app()
