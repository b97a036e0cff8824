"""The `pathways` command: every use case from the shell.

Each command runs in one transaction; errors print one line on stderr and exit
non-zero (65 bad input, 66 not found, 69 database unavailable, 75 conflict,
77 not permitted).

Starting stays cheap: the top level knows each command by name and help line only
(`lazy.COMMANDS`) and imports a command's module when that command runs, so
`pathways --help` loads neither the web app, the database layer nor the engine.
"""

from __future__ import annotations

import logging

import typer

from pathways.cli.lazy import LazyCommands

app = typer.Typer(
    cls=LazyCommands,
    help="Pathways: multi-agency service pathways on BPMN.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def pathways() -> None:
    """Pathways: multi-agency service pathways on BPMN."""


def main() -> None:
    from pathways.edge import logs

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logs.quiet_libraries()
    app()
