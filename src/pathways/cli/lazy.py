"""The top-level command group, whose commands are imported when they run.

`COMMANDS` names, in the order `pathways --help` lists them, each command with the
module and attribute that define it (a `typer.Typer` group or a command function)
and its help line, so listing them imports nothing.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import typer
from typer import _click as click  # typer vendors click; its own copy is what it accepts
from typer.core import TyperCommand, TyperGroup


class Entry(NamedTuple):
    module: str
    attribute: str
    help: str


COMMANDS: dict[str, Entry] = {
    "db": Entry("pathways.cli.admin", "db", "The database schema."),
    "organisations": Entry(
        "pathways.cli.admin", "organisations", "Organisations and the municipalities they cover."
    ),
    "users": Entry("pathways.cli.admin", "users", "People who work in Pathways."),
    "models": Entry("pathways.cli.models", "models", "Pathway models (BPMN files)."),
    "instances": Entry("pathways.cli.cases", "instances", "Cases: a pathway running for a client."),
    "tasks": Entry("pathways.cli.tasks", "tasks_app", "Human tasks and organisations' queues."),
    "incidents": Entry(
        "pathways.cli.incidents",
        "incidents_app",
        "Incidents: cases whose timers kept failing, waiting for an administrator.",
    ),
    "serve": Entry("pathways.cli.serve", "serve", "Serve the API on HTTP."),
    "dashboard": Entry(
        "pathways.cli.dashboard", "dashboard", "Deadlines and queues as managers see them."
    ),
    "worker": Entry(
        "pathways.cli.worker",
        "worker",
        "Fire due timers: every replica may run one; each timer fires once.",
    ),
    "demo": Entry(
        "pathways.cli.demo",
        "demo",
        "Load the demo organisations and people (idempotent) and say how to try a case.",
    ),
}


def load(name: str) -> click.Command:
    """The real command `name`: its module imported, its Typer turned into click."""
    entry = COMMANDS[name]
    target = getattr(importlib.import_module(entry.module), entry.attribute)
    if isinstance(target, typer.Typer):
        command: click.Command = typer.main.get_group(target)
    else:
        single = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyCommands(TyperGroup):
    """Lists every command from `COMMANDS`; imports one only to run it (or its help)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, entry in COMMANDS.items():
            self.commands[name] = TyperCommand(name, help=entry.help, short_help=entry.help)
        self._loaded: set[str] = set()

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else None
        if name in COMMANDS and name not in self._loaded:
            self.commands[name] = load(name)
            self._loaded.add(name)
        return super().resolve_command(ctx, args)
