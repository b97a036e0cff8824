"""`pathways demo`: the demo organisations and people."""

from __future__ import annotations

import typer

from pathways import demo as demo_data
from pathways.cli.edge import run, table
from pathways.people.passwords import DEMO_PASSWORD
from pathways.settings import get_settings


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
