"""The edge of every command: one transaction, errors as one line and an exit code.

Data goes to stdout (as JSON with `--json`), messages and errors to stderr. The
database layer is imported when a command first opens a transaction, so commands
that need none start without it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from pathways import clock
from pathways.errors import (
    Conflict,
    EngineFailure,
    InvalidData,
    InvalidModel,
    NotFound,
    NotPermitted,
    PathwaysError,
    ScriptFailure,
)

if TYPE_CHECKING:
    from pydantic import BaseModel
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from pathways.people.actors import Actor
    from pathways.settings import Settings

T = TypeVar("T")

# sysexits(3) codes, so scripts can tell bad input from a missing thing from a refusal.
EXIT_DATA = 65
EXIT_NOT_FOUND = 66
EXIT_UNAVAILABLE = 69
EXIT_CONFLICT = 75
EXIT_NOT_PERMITTED = 77

_EXIT_CODES: list[tuple[type[PathwaysError], int]] = [
    (InvalidModel, EXIT_DATA),
    (InvalidData, EXIT_DATA),
    (ScriptFailure, EXIT_DATA),
    (EngineFailure, EXIT_DATA),
    (NotFound, EXIT_NOT_FOUND),
    (NotPermitted, EXIT_NOT_PERMITTED),
    (Conflict, EXIT_CONFLICT),
]


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def exit_code(error: PathwaysError) -> int:
    return next((code for kind, code in _EXIT_CODES if isinstance(error, kind)), 1)


@contextmanager
def guarded() -> Iterator[None]:
    """Map expected failures to a one-line reason and an exit code."""
    try:
        yield
    except InvalidModel as error:
        typer.echo(f"error: {error.message}", err=True)
        for problem in error.problems[1:]:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(EXIT_DATA) from None
    except InvalidData as error:
        typer.echo(f"error: {error.message}", err=True)
        for detail in error.errors[1:]:
            typer.echo(f"  {detail}", err=True)
        raise typer.Exit(EXIT_DATA) from None
    except PathwaysError as error:
        fail(error.message, exit_code(error))
    except Exception as error:
        if not _is_database_error(error):
            raise
        if _schema_missing(error):
            fail("the database is not set up: run `pathways db upgrade`", EXIT_UNAVAILABLE)
        original = getattr(error, "orig", error)
        fail(f"database error: {str(original).splitlines()[0][:200]}", EXIT_UNAVAILABLE)


def _is_database_error(error: Exception) -> bool:
    """An operational or schema error of the database; without SQLAlchemy loaded, none is."""
    exc = sys.modules.get("sqlalchemy.exc")
    return exc is not None and isinstance(error, exc.OperationalError | exc.ProgrammingError)


def _schema_missing(error: Exception) -> bool:
    text = str(error).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def run(work: Callable[[Session, Settings], T]) -> T:
    """Run `work` in one transaction: committed if it returns, rolled back if it raises.

    A refusal of the person named with `--as` is audited in a transaction of its own, as
    the API audits a 403.
    """
    from pathways.db.session import engine_for, transaction
    from pathways.settings import get_settings

    settings = get_settings()
    engine = engine_for(settings.database_url)
    with guarded():
        try:
            with transaction(engine) as session:
                return work(session, settings)
        except NotPermitted:
            _audit_refusal(engine)
            raise


# The login a command acts as, once `acting_as` has found them.
_acting: ContextVar[str | None] = ContextVar("acting", default=None)


def acting_as(session: Session, login: str | None) -> Actor:
    """The person a command acts for (`--as LOGIN`), or the operator without one."""
    from pathways.people import service as people
    from pathways.people.actors import Actor

    if login is None:
        return Actor.operator()
    actor = Actor.of(people.get_user(session, login))
    _acting.set(actor.login)
    return actor


def _audit_refusal(engine: Engine) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from pathways.audit import service as audit
    from pathways.db.session import transaction

    login = _acting.get()
    if login is None:
        return
    command, named = _command_line()
    try:
        with transaction(engine) as session:
            audit.record(
                session,
                actor=login,
                action="access.refused",
                details={"route": command, "object": named, "outcome": "refused (exit 77)"},
            )
    except SQLAlchemyError:  # the command is refused all the same
        typer.echo("warning: the refusal could not be audited", err=True)


_WORD = re.compile(r"[a-z][a-z-]{0,30}")


def _command_line() -> tuple[str, dict[str, int]]:
    """The command's words (`pathways tasks complete`) and the number it names, if any.

    Nothing else of the command line is kept: options may carry client data.
    """
    words: list[str] = []
    for arg in sys.argv[1:3]:
        if not _WORD.fullmatch(arg):
            break
        words.append(arg)
    rest = sys.argv[1 + len(words) : 2 + len(words)]
    named = {"id": int(rest[0])} if rest and rest[0].isdigit() and len(rest[0]) < 19 else {}
    return " ".join(["pathways", *words]), named


def parse_json_object(text: str | None, option: str = "--data") -> dict[str, Any]:
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        fail(f"{option} is not valid JSON: {error.msg} at character {error.pos}", EXIT_DATA)
    if not isinstance(value, dict):
        fail(f"{option} must be a JSON object", EXIT_DATA)
    return value


def emit_json(value: BaseModel | Sequence[BaseModel | dict[str, Any]] | dict[str, Any]) -> None:
    """Objects flat, lists as JSON arrays, times in ISO 8601."""
    sys.stdout.write(json.dumps(_plain(value), indent=2, default=str) + "\n")


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):  # a pydantic model, without importing pydantic
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def when(moment: datetime | None) -> str:
    """A moment as people here read it: 3.12.2026 14:05, Helsinki time."""
    if moment is None:
        return "-"
    local = clock.local(moment)
    return f"{local.day}.{local.month}.{local.year} {local:%H:%M}"


def table(rows: list[list[str]], headers: list[str]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=False)]
    for line in [headers, *rows]:
        typer.echo("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)).rstrip())
