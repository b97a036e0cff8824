"""`pathways models …`: validate and deploy BPMN files.

`validate` opens the database only if a file calls a process it does not hold, so
checking a file alone starts without the database layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from pathways.cli.edge import EXIT_DATA, EXIT_NOT_FOUND, emit_json, fail, guarded, run, table
from pathways.errors import InvalidModel, Problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pathways.processes.service import Deployment
    from pathways.settings import Settings

models = typer.Typer(help="Pathway models (BPMN files).", no_args_is_help=True)


def _read(path: Path, limit: int) -> bytes:
    try:
        if path.stat().st_size > limit:
            fail(f"{path}: the file is larger than {limit} bytes", EXIT_DATA)
        return path.read_bytes()
    except OSError as error:
        fail(f"{path}: {error.strerror}", EXIT_NOT_FOUND)


def _deployed_xml(key: str) -> bytes | None:
    from pathways.processes import service as processes

    return run(lambda session, _: processes.deployed_xml(session, key))


def _check_file(settings: Settings, path: Path) -> list[dict[str, Any]]:
    from pathways.processes.validation import validate_file

    data = _read(path, settings.max_bpmn_bytes)
    try:
        built = validate_file(data=data, settings=settings, library=_deployed_xml)
    except InvalidModel as error:
        return [{"file": str(path), "process": None, "problems": [str(p) for p in error.problems]}]
    return [
        {"file": str(path), "process": b.key, "problems": [str(p) for p in b.problems]}
        for b in built
    ]


@models.command("validate")
def validate(files: list[Path], as_json: bool = typer.Option(False, "--json")) -> None:
    """Check files without deploying: every problem, with its element id."""
    from pathways.settings import get_settings

    settings = get_settings()
    with guarded():
        report = [row for path in files for row in _check_file(settings, path)]
    if as_json:
        emit_json(report)
    else:
        for entry in report:
            status = "problems" if entry["problems"] else "ok"
            typer.echo(f"{entry['file']}: {entry['process'] or '-'}: {status}")
            for problem in entry["problems"]:
                typer.echo(f"  {problem}")
    if any(entry["problems"] for entry in report):
        raise typer.Exit(EXIT_DATA)


def _deploy_files(
    session: Session, settings: Settings, files: list[Path], draft: bool
) -> list[Deployment]:
    from pathways.people.actors import Actor
    from pathways.processes import service as processes

    done: list[Deployment] = []
    for path in files:
        data = _read(path, settings.max_bpmn_bytes)
        try:
            done += processes.deploy(
                session, data=data, actor=Actor.operator(), settings=settings, draft=draft
            )
        except InvalidModel as error:  # name the file: a deploy may cover several
            raise InvalidModel([Problem(f"{path.name}: {p}") for p in error.problems]) from None
    return done


@models.command("deploy")
def deploy(
    files: list[Path],
    draft: bool = typer.Option(False, "--draft", help="store as a draft even with problems"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Deploy every executable process in the files as a new version (all files or none)."""
    from pathways.processes.schemas import DeploymentOut

    deployments = run(lambda s, cfg: _deploy_files(s, cfg, files, draft))
    rows = [DeploymentOut.of(d) for d in deployments]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        verb = "new" if row.created else "unchanged"
        typer.echo(f"{row.model}: version {row.version} {row.state} ({verb})")


@models.command("list")
def list_models(as_json: bool = typer.Option(False, "--json")) -> None:
    """Models with their newest deployed version."""
    from pathways.processes import service as processes
    from pathways.processes.schemas import ModelOut

    rows = run(
        lambda s, _: [
            ModelOut(key=m.key, name=m.name, versions=count, deployed=latest)
            for m, count, latest in processes.list_models(s)
        ]
    )
    if as_json:
        emit_json(rows)
        return
    table(
        [[r.key, str(r.deployed or "-"), str(r.versions), r.name] for r in rows],
        ["KEY", "DEPLOYED", "VERSIONS", "NAME"],
    )
