"""`pathways instances …`: start, show, message and cancel cases."""

from __future__ import annotations

import typer
from sqlalchemy.orm import Session

from pathways.cases import service as cases
from pathways.cases.schemas import InstanceOut
from pathways.cli.edge import EXIT_DATA, emit_json, fail, parse_json_object, run, table, when
from pathways.cli.tasks import describe_hand_off
from pathways.people.actors import Actor
from pathways.settings import Settings
from pathways.tasks.models import Task

instances = typer.Typer(help="Cases: a pathway running for a client.", no_args_is_help=True)


def _view(session: Session, instance_id: int, purpose: str) -> InstanceOut:
    view = cases.show(session, instance_id=instance_id, actor=Actor.operator(), purpose=purpose)
    return InstanceOut.of(view.instance, list(view.tasks), list(view.timers))


def _team(pairs: list[str]) -> dict[str, str]:
    team: dict[str, str] = {}
    for pair in pairs:
        kind, _, code = pair.partition("=")
        if not kind or not code:
            fail(
                f"--team takes KIND=CODE, e.g. employment_area=west-ea (got {pair[:60]!r})",
                EXIT_DATA,
            )
        team[kind] = code
    return team


@instances.command("start")
def start(
    model: str,
    client: str = typer.Option(..., "--client", help="the client's pseudonymous reference"),
    municipality: str = typer.Option(..., help="code of the client's municipality"),
    data: str | None = typer.Option(None, help="initial case data as a JSON object"),
    contact_language: str | None = typer.Option(None, help="e.g. fi, sv, ar, uk"),
    integration_language: str | None = typer.Option(None, help="fi or sv"),
    team: list[str] = typer.Option([], help="KIND=CODE to name a team member (repeat)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Start a pathway for a client; prints the case and where it waits."""
    payload = parse_json_object(data)
    named = _team(team)

    def work(session: Session, settings: Settings) -> InstanceOut:
        instance = cases.start(
            session,
            model=model,
            client=cases.NewClient(client, municipality, contact_language, integration_language),
            data=payload,
            actor=Actor.operator(),
            settings=settings,
            team=named,
        )
        return _view(session, instance.id, "start the case")

    shown = run(work)
    if as_json:
        emit_json(shown)
        return
    typer.echo(
        f"case {shown.id} started: {shown.model} v{shown.version} for {shown.client.reference}"
    )
    _print_open(shown)


def _print_open(shown: InstanceOut) -> None:
    for task in shown.tasks:
        if task.state == "open":
            typer.echo(
                f"  task {task.id}: {task.name} — {task.organisation}, due {when(task.due_at)}"
            )


@instances.command("show")
def show(instance_id: int, as_json: bool = typer.Option(False, "--json")) -> None:
    """A case with its steps, where it waits and its deadlines."""
    shown = run(lambda s, _: _view(s, instance_id, "show the case at the command line"))
    if as_json:
        emit_json(shown)
        return
    typer.echo(f"case {shown.id}: {shown.model} v{shown.version}, {shown.state}")
    typer.echo(f"client {shown.client.reference} in {shown.client.municipality}")
    table(
        [
            [
                str(t.id),
                t.name,
                t.organisation or "-",
                t.state,
                when(t.due_at),
                t.completed_by or t.assignee or "-",
            ]
            for t in shown.tasks
        ],
        ["TASK", "STEP", "ORGANISATION", "STATE", "DUE", "WHO"],
    )
    for timer in shown.timers:
        if timer.state == "waiting":
            typer.echo(f"deadline {timer.bpmn_id}: {when(timer.due_at)}")


@instances.command("message")
def message(
    instance_id: int,
    name: str,
    data: str | None = typer.Option(None, help="the message payload as a JSON object"),
) -> None:
    """Deliver a BPMN message (something that happened outside) to a case."""
    payload = parse_json_object(data)

    def work(session: Session, settings: Settings) -> list[Task]:
        return cases.deliver_message(
            session,
            instance_id=instance_id,
            name=name,
            payload=payload,
            actor=Actor.operator(),
            settings=settings,
        )

    opened = run(work)
    typer.echo(f"message {name} delivered to case {instance_id}")
    for line in describe_hand_off(opened):
        typer.echo(line)


@instances.command("cancel")
def cancel(instance_id: int) -> None:
    """Cancel a running case: its open tasks and deadlines are withdrawn."""
    run(
        lambda s, cfg: cases.cancel(
            s, instance_id=instance_id, actor=Actor.operator(), settings=cfg
        )
    )
    typer.echo(f"case {instance_id} cancelled")
