"""`pathways instances …`: start, show, message and cancel cases."""

from __future__ import annotations

from datetime import datetime

import typer
from sqlalchemy.orm import Session

from pathways.cases import moves, search
from pathways.cases import service as cases
from pathways.cases.schemas import CaseListOut, CaseSummaryOut, InstanceOut, split_message_body
from pathways.cli.edge import (
    EXIT_DATA,
    acting_as,
    emit_json,
    fail,
    parse_json_object,
    run,
    table,
    when,
)
from pathways.cli.tasks import describe_hand_off
from pathways.clock import HELSINKI
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
    confirm_duplicate: bool = typer.Option(
        False, help="start even though the client has a running case of this pathway"
    ),
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
            duplicate_confirmed=confirm_duplicate,
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


@instances.command("list")
def list_cases(
    reference: str | None = typer.Option(None, help="client reference prefix (case ignored)"),
    model: str | None = typer.Option(None, "--model", help="only this pathway (model key)"),
    state: str | None = typer.Option(None, help="running, finished or cancelled"),
    organisation: str | None = typer.Option(None, help="served by this organisation (code)"),
    step: str | None = typer.Option(None, help="with this step (BPMN id) open"),
    started_from: datetime | None = typer.Option(None, help="opened on or after (Helsinki time)"),
    started_to: datetime | None = typer.Option(None, help="opened before"),
    ended_from: datetime | None = typer.Option(None, help="finished on or after"),
    ended_to: datetime | None = typer.Option(None, help="finished before"),
    sort: str = typer.Option("-started_at", help=f"one of {', '.join(search.SORTS)}"),
    limit: int = typer.Option(50, min=1, max=search.MAX_LIMIT),
    offset: int = typer.Option(0, min=0),
    login: str | None = typer.Option(None, "--as", help="search as this user (default: all)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Find cases, running and finished; the total that match is printed on stderr.

    Times are 2026-12-01 or 2026-12-01T08:00:00, Helsinki time.
    """
    where = search.CaseFilter(
        reference=reference,
        model=model,
        state=state,
        organisation=organisation,
        step=step,
        started_from=_zoned(started_from),
        started_to=_zoned(started_to),
        ended_from=_zoned(ended_from),
        ended_to=_zoned(ended_to),
        sort=sort,
        limit=limit,
        offset=offset,
    )

    def work(session: Session, _settings: Settings) -> CaseListOut:
        actor = acting_as(session, login)
        page = search.search(session, where=where, actor=actor, purpose="list cases")
        items = [CaseSummaryOut.of(r.instance, list(r.open_tasks)) for r in page.rows]
        return CaseListOut(total=page.total, limit=limit, offset=offset, items=items)

    found = run(work)
    if as_json:
        emit_json(found.items)
        return
    table(
        [
            [
                str(c.id),
                c.client,
                c.model,
                c.state,
                when(c.started_at),
                when(c.ended_at),
                ", ".join(step.bpmn_id for step in c.open_steps) or "-",
            ]
            for c in found.items
        ],
        ["CASE", "CLIENT", "PATHWAY", "STATE", "OPENED", "FINISHED", "OPEN STEPS"],
    )
    typer.echo(f"{len(found.items)} of {found.total} cases", err=True)


def _zoned(moment: datetime | None) -> datetime | None:
    """A time given without a zone is Helsinki time, as people here write it."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=HELSINKI)


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
    correlation: str | None = typer.Option(
        None, help="correlation values by property name, as a JSON object"
    ),
) -> None:
    """Deliver a BPMN message (something that happened outside) to a case."""
    given, payload = split_message_body(parse_json_object(data))
    if correlation is not None:
        given = {**(given or {}), **parse_json_object(correlation, "--correlation")}

    def work(session: Session, settings: Settings) -> tuple[list[Task], int | None]:
        opened = cases.deliver_message(
            session,
            instance_id=instance_id,
            name=name,
            payload=payload,
            correlation=given,
            actor=Actor.operator(),
            settings=settings,
        )
        return opened, moves.moved_to(session, instance_id)

    opened, moved_to = run(work)
    typer.echo(f"message {name} delivered to case {instance_id}")
    if moved_to is not None:
        typer.echo(f"case {instance_id} ended; the client's new municipality has case {moved_to}")
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
