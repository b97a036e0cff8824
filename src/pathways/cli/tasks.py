"""`pathways tasks …`: queues, claim, assign, complete."""

from __future__ import annotations

from collections.abc import Callable

import typer
from sqlalchemy.orm import Session

from pathways.cli.edge import acting_as, emit_json, parse_json_object, run, table, when
from pathways.deadlines.status import DeadlineStatus
from pathways.people.actors import Actor
from pathways.settings import Settings
from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from pathways.tasks.schemas import TaskOut

tasks_app = typer.Typer(help="Human tasks and organisations' queues.", no_args_is_help=True)

AS_OPTION = typer.Option(..., "--as", help="login of the person acting")


def describe_hand_off(opened: list[Task]) -> list[str]:
    """Where the case went: "now with west-ea (Employment area): Initial interview, due …"."""
    return [
        f"now with {t.organisation.code if t.organisation else '-'} ({t.lane}): {t.name}"
        f" (task {t.id}), due {when(t.due_at)}"
        for t in opened
    ]


@tasks_app.command("list")
def list_tasks(
    instance: int | None = typer.Option(None, help="only this case"),
    organisation: str | None = typer.Option(None, help="only this organisation's queue"),
    state: str = typer.Option("open", help="open, completed or cancelled"),
    assignee: str | None = typer.Option(None, help="only tasks claimed by this login"),
    model: str | None = typer.Option(None, help="only this pathway"),
    overdue: bool = typer.Option(False, "--overdue", help="only open tasks past their due time"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Tasks, soonest due first (open ones unless --state says otherwise)."""
    where = tasks.TaskFilter(
        instance_id=instance,
        organisation=organisation,
        state=state,
        assignee=assignee,
        model=model,
        overdue=overdue,
    )
    rows = run(
        lambda s, settings: [
            TaskOut.of(t, at_risk_window=settings.deadlines.at_risk_window)
            for t in tasks.list_tasks(s, where)
        ]
    )
    if as_json:
        emit_json(rows)
        return
    table(
        [
            [
                str(t.id),
                str(t.instance_id),
                t.name,
                t.organisation or "-",
                t.assignee or "-",
                when(t.due_at) + _STANDING.get(t.deadline, ""),
            ]
            for t in rows
        ],
        ["TASK", "CASE", "STEP", "ORGANISATION", "ASSIGNEE", "DUE"],
    )


_STANDING = {DeadlineStatus.OVERDUE: " OVERDUE", DeadlineStatus.AT_RISK: " AT RISK"}


def _acting(
    login: str, change: Callable[[Session, Actor], Task]
) -> Callable[[Session, Settings], TaskOut]:
    def work(session: Session, _settings: Settings) -> TaskOut:
        return TaskOut.of(change(session, acting_as(session, login)))

    return work


@tasks_app.command("show")
def show(task_id: int, as_json: bool = typer.Option(False, "--json")) -> None:
    """One task."""
    shown = run(lambda s, _: TaskOut.of(tasks.get(s, task_id)))
    if as_json:
        emit_json(shown)
        return
    typer.echo(f"task {shown.id}: {shown.name} ({shown.state}) in case {shown.instance_id}")
    typer.echo(f"organisation {shown.organisation}, assignee {shown.assignee or '-'}")
    typer.echo(f"due {when(shown.due_at)}")
    typer.echo(f"form {shown.form or '(none: mark done)'}")


@tasks_app.command("claim")
def claim(task_id: int, login: str = AS_OPTION) -> None:
    """Take a task from the organisation's queue."""
    run(_acting(login, lambda s, a: tasks.claim(s, task_id=task_id, actor=a)))
    typer.echo(f"task {task_id} claimed by {login}")


@tasks_app.command("release")
def release(task_id: int, login: str = AS_OPTION) -> None:
    """Put a claimed task back in the organisation's queue."""
    run(_acting(login, lambda s, a: tasks.release(s, task_id=task_id, actor=a)))
    typer.echo(f"task {task_id} is back in the queue")


@tasks_app.command("assign")
def assign(task_id: int, assignee: str, login: str | None = typer.Option(None, "--as")) -> None:
    """Give a task to a caseworker of its organisation (a manager's act)."""

    def work(session: Session, _settings: Settings) -> TaskOut:
        actor = acting_as(session, login)
        return TaskOut.of(tasks.assign(session, task_id=task_id, assignee=assignee, actor=actor))

    run(work)
    typer.echo(f"task {task_id} assigned to {assignee}")


@tasks_app.command("complete")
def complete(
    task_id: int,
    login: str = AS_OPTION,
    data: str | None = typer.Option(None, help="the form's data as a JSON object"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Complete a task with its form's data; the case moves on to its next step."""
    payload = parse_json_object(data)

    def work(
        session: Session, settings: Settings
    ) -> tuple[TaskOut, list[TaskOut], list[str], bool]:
        actor = acting_as(session, login)
        done = tasks.complete(
            session, task_id=task_id, data=payload, actor=actor, settings=settings
        )
        opened = [TaskOut.of(t) for t in done.opened]
        return TaskOut.of(done.task), opened, describe_hand_off(done.opened), done.case_finished

    task, opened, hand_off, finished = run(work)
    if as_json:
        emit_json(
            {
                "task": task.model_dump(mode="json"),
                "opened": [t.model_dump(mode="json") for t in opened],
                "case_finished": finished,
            }
        )
        return
    typer.echo(f"task {task_id} completed: {task.name}")
    for line in hand_off:
        typer.echo(line)
    if finished:
        typer.echo(f"case {task.instance_id} has reached its end")
