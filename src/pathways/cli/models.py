"""`pathways models …`: validate, deploy and import (Camunda 7) BPMN files, and the DMN
files they call.

`validate` opens the database only if a file calls a process or a decision it does not
hold, so checking a file alone starts without the database layer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from pathways.cli.edge import EXIT_DATA, EXIT_NOT_FOUND, emit_json, fail, guarded, run, table
from pathways.errors import InvalidModel, Problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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


def _deployed_xml(key: str) -> bytes | None:
    from pathways.processes import service as processes

    return run(lambda session, _: processes.deployed_xml(session, key))


def _deployed_decision(decision_id: str) -> DecisionFile | None:
    from pathways.processes import service as processes

    return run(lambda session, _: processes.deployed_decision(session, decision_id))


def _split(files: list[Path], limit: int) -> tuple[list[tuple[Path, bytes]], list[DecisionFile]]:
    """The BPMN files and the DMN files (decision tables) among `files`, read."""
    from pathways.processes.validation import decision_file, is_decision_file

    models: list[tuple[Path, bytes]] = []
    decisions: list[DecisionFile] = []
    for path in files:
        data = _read(path, limit)
        if is_decision_file(path.name, data):
            decisions.append(decision_file(path.name, data))
        else:
            models.append((path, data))
    if not models:
        fail("no BPMN file given: DMN files are deployed with the models that call them", EXIT_DATA)
    return models, decisions


def _check_file(
    settings: Settings,
    path: Path,
    data: bytes,
    companions: list[bytes],
    decisions: list[DecisionFile],
) -> list[dict[str, Any]]:
    from pathways.processes.validation import validate_file

    try:
        built = validate_file(
            data=data,
            settings=settings,
            library=_deployed_xml,
            companions=companions,
            decisions=decisions,
            decision_library=_deployed_decision,
        )
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
    from pathways.settings import get_settings

    settings = get_settings()
    with guarded():
        models, decisions = _split(files, settings.max_bpmn_bytes)
        companions = [data for _, data in models]
        report = [
            row
            for path, data in models
            for row in _check_file(settings, path, data, companions, decisions)
        ]
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
    models, decisions = _split(files, settings.max_bpmn_bytes)
    for path, data in processes.deploy_order(models, settings):
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
            named = [
                Problem("{file}: {problem}", file=path.name, problem=str(p)) for p in error.problems
            ]
            raise InvalidModel(named) from None
    return done


@models.command("deploy")
def deploy(
    files: list[Path],
    draft: bool = typer.Option(False, "--draft", help="store as a draft even with problems"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Deploy every executable process in the BPMN files as a new version (all files or
    none), with the decision tables of the DMN files given beside them."""
    from pathways.processes.schemas import DeploymentOut

    deployments = run(lambda s, cfg: _deploy_files(s, cfg, files, draft))
    rows = [DeploymentOut.of(d, str) for d in deployments]  # the CLI speaks English
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


def _groups(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        fail(f"{path}: {error.strerror}", EXIT_NOT_FOUND)
    except (json.JSONDecodeError, UnicodeDecodeError):
        fail(f"{path}: the group map is not JSON", EXIT_DATA)
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        fail(
            f'{path}: the group map must be an object such as {{"group": "municipality"}}',
            EXIT_DATA,
        )
    return value


@models.command("import-camunda")
def import_camunda(
    file: Path,
    output: Path | None = typer.Option(None, "-o", "--output", help="write the BPMN here"),
    groups: Path | None = typer.Option(
        None, "--groups", help="JSON object: candidate group → organisation kind"
    ),
    forms_dir: Path | None = typer.Option(
        None, "--forms-dir", help="write the forms here (default: beside the output)"
    ),
) -> None:
    """Convert a Camunda 7 model: forms, lanes, due dates; name what cannot be converted."""
    from pathways.processes.camunda import convert, form_files
    from pathways.settings import get_settings

    settings = get_settings()
    data = _read(file, settings.max_bpmn_bytes)
    with guarded():
        conversion = convert(data, groups=_groups(groups), max_bytes=settings.max_bpmn_bytes)
    folder = forms_dir or (output.parent if output else Path.cwd())
    try:
        if output is None:
            sys.stdout.buffer.write(conversion.xml)
        else:
            output.write_bytes(conversion.xml)
        for name, body in form_files(conversion).items():
            (folder / name).write_bytes(body)
    except OSError as error:
        fail(f"{error.filename}: {error.strerror}", EXIT_NOT_FOUND)
    for note in conversion.notes:
        typer.echo(f"note: {note}", err=True)
    for problem in conversion.problems:
        typer.echo(f"problem: {problem}", err=True)
    if conversion.problems:
        fail(f"{len(conversion.problems)} problem(s) to fix before it deploys", EXIT_DATA)
