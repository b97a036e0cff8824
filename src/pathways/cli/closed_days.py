"""`pathways organisations close-day CODE DAY`: a day an organisation does not work."""

from __future__ import annotations

from datetime import date

import typer

from pathways.cli.edge import EXIT_DATA, fail, run
from pathways.deadlines import calendars


def close_day(
    code: str,
    day: str = typer.Argument(..., help="the date, e.g. 2026-12-31"),
    reason: str | None = typer.Option(None, help="why, e.g. office move"),
) -> None:
    """Skip a day in this organisation's working-day deadlines (from now on)."""
    try:
        closed = date.fromisoformat(day)
    except ValueError:
        fail(f"{day[:40]!r} is not a date such as 2026-12-31", EXIT_DATA)
    run(lambda s, _: calendars.close_day(s, organisation=code, day=closed, reason=reason))
    typer.echo(f"{code} is closed on {closed.isoformat()}", err=True)
