"""`pathways db …`, `organisations …`, `users …`."""

from __future__ import annotations

import sys

import typer

from pathways.cli.closed_days import close_day
from pathways.cli.edge import emit_json, guarded, run, table
from pathways.db import migrate
from pathways.people import service as people
from pathways.people import tokens
from pathways.people.schemas import OrganisationOut, UserOut
from pathways.settings import get_settings

db = typer.Typer(help="The database schema.", no_args_is_help=True)
organisations = typer.Typer(
    help="Organisations and the municipalities they cover.", no_args_is_help=True
)
users = typer.Typer(help="People who work in Pathways.", no_args_is_help=True)


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the schema to the newest migration."""
    settings = get_settings()
    with guarded():
        migrate.upgrade(settings.database_url)
    typer.echo("database is up to date", err=True)


@organisations.command("create")
def organisation_create(
    code: str,
    kind: str = typer.Option(..., help="municipality, wellbeing_county, employment_area, …"),
    name: str = typer.Option(...),
    covers: list[str] = typer.Option([], help="a municipality code it serves (repeat)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Create an organisation."""
    result = run(
        lambda s, _: OrganisationOut.model_validate(
            people.create_organisation(s, code=code, kind=kind, name=name, covers=covers)
        )
    )
    if as_json:
        emit_json(result)
    else:
        typer.echo(f"created {result.kind} {result.code}")


@organisations.command("list")
def organisation_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """List organisations."""
    rows = run(
        lambda s, _: [OrganisationOut.model_validate(o) for o in people.list_organisations(s)]
    )
    if as_json:
        emit_json(rows)
        return
    table(
        [[r.code, r.kind, r.name, ",".join(r.covers)] for r in rows],
        ["CODE", "KIND", "NAME", "COVERS"],
    )


@users.command("create")
def user_create(
    login: str,
    organisation: str = typer.Option(..., help="organisation code"),
    role: list[str] = typer.Option(..., help="designer, caseworker, manager or admin (repeat)"),
    name: str | None = typer.Option(None),
    email: str | None = typer.Option(None),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read a password from stdin"
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Create a user in an organisation."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    user = run(
        lambda s, _: UserOut.of(
            people.create_user(
                s,
                login=login,
                organisation=organisation,
                roles=role,
                name=name,
                email=email,
                password=password,
            )
        )
    )
    if as_json:
        emit_json(user)
    else:
        typer.echo(f"created user {user.login} ({', '.join(user.roles)}) in {organisation}")


@users.command("list")
def user_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """List users."""
    rows = run(lambda s, _: [UserOut.of(u) for u in people.list_users(s)])
    if as_json:
        emit_json(rows)
        return
    table(
        [[r.login, r.name, r.organisation, ",".join(r.roles), _origin(r)] for r in rows],
        ["LOGIN", "NAME", "ORGANISATION", "ROLES", "ORIGIN"],
    )


def _origin(user: UserOut) -> str:
    return user.origin if user.subject is None else f"{user.origin}:{user.subject}"


@users.command("token")
def user_token(
    login: str,
    revoke: bool = typer.Option(False, "--revoke", help="revoke every token of the user instead"),
) -> None:
    """Issue a personal API token (printed once, alone on its line) or revoke them all."""
    if revoke:
        count = run(lambda s, _: tokens.revoke_all(s, login=login))
        typer.echo(f"revoked {count} token(s) of {login}", err=True)
        return
    typer.echo(run(lambda s, _: tokens.issue(s, login=login)))
    typer.echo("keep it safe: it is not shown again", err=True)


@users.command("deactivate")
def user_deactivate(login: str) -> None:
    """Deactivate a user: their sessions and tokens end at once."""
    run(lambda s, _: people.set_active(s, login=login, active=False))
    typer.echo(f"deactivated {login}; their sessions and tokens are revoked", err=True)


@users.command("activate")
def user_activate(login: str) -> None:
    """Reactivate a user (they log in again and need new tokens)."""
    run(lambda s, _: people.set_active(s, login=login, active=True))
    typer.echo(f"activated {login}", err=True)


@users.command("password")
def user_password(login: str) -> None:
    """Set a user's password, read from the first line of stdin."""
    password = sys.stdin.readline().rstrip("\n")
    run(lambda s, _: people.set_password(s, login=login, password=password))
    typer.echo(f"password of {login} set", err=True)


# Registered here so that `organisations` is complete wherever it is loaded.
organisations.command("close-day")(close_day)
