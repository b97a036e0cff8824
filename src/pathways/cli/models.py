"""`pathways models …`: validate and deploy BPMN files and the DMN files they call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from pathways.cli.edge import EXIT_DATA, EXIT_NOT_FOUND, emit_json, fail, run, table
from pathways.errors import InvalidModel, Problem
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.processes.schemas import DeploymentOut, ModelOut
from pathways.processes.service import DecisionFile, Deployment
from pathways.settings import Settings

models = typer.Typer(help="Pathway models (BPMN files).", no_args_is_help=True)


def _read(path: Path, limit: int) -> bytes:
    try:
        if path.stat().st_size > limit:
            fail(f"{path}: the file is larger than {limit} bytes", EXIT_DATA)
        return path.read_bytes()
    except OSError as error:
        fail(f"{path}: {error.strerror}", EXIT_NOT_FOUND)


def _split(files: list[Path], limit: int) -> tuple[list[tuple[Path, bytes]], list[DecisionFile]]:
    """The BPMN files and the DMN files (decision tables) among `files`, read."""
    models: list[tuple[Path, bytes]] = []
    decisions: list[DecisionFile] = []
    for path in files:
        data = _read(path, limit)
        if processes.is_decision_file(path.name, data):
            decisions.append(processes.decision_file(path.name, data))
        else:
            models.append((path, data))
    if not models:
        fail("no BPMN file given: DMN files are deployed with the models that call them", EXIT_DATA)
    return models, decisions


def _check_files(session: Session, settings: Settings, files: list[Path]) -> list[dict[str, Any]]:
    models, decisions = _split(files, settings.max_bpmn_bytes)
    return [
        row
        for path, data in models
        for row in _check_file(session, settings, path, data, decisions)
    ]


def _check_file(
    session: Session,
    settings: Settings,
    path: Path,
    data: bytes,
    decisions: list[DecisionFile],
) -> list[dict[str, Any]]:
    try:
        built = processes.validate(session, data=data, settings=settings, decisions=decisions)
    except InvalidModel as error:
        return [{"file": str(path), "process": None, "problems": [str(p) for p in error.problems]}]
    return [
        {"file": str(path), "process": b.key, "problems": [str(p) for p in b.problems]}
        for b in built
    ]


@models.command("validate")
def validate(files: list[Path], as_json: bool = typer.Option(False, "--json")) -> None:
    """Check BPMN files (with the DMN files they call) without deploying: every problem,
    with its element id."""
    report = run(lambda s, cfg: _check_files(s, cfg, files))
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
    done: list[Deployment] = []
    models, decisions = _split(files, settings.max_bpmn_bytes)
    for path, data in models:
        try:
            done += processes.deploy(
                session,
                data=data,
                actor=Actor.operator(),
                settings=settings,
                draft=draft,
                decisions=decisions,
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
    """Deploy every executable process in the BPMN files as a new version (all files or
    none), with the decision tables of the DMN files given beside them."""
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
