"""Checking a BPMN file against the engine and the form folder, without the database.

A file whose call activities name processes it does not hold asks `library` for the
deployed XML of those; everything else needs only the file, the settings and the forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pathways import engine
from pathways.errors import Problem
from pathways.forms.service import FormCatalog
from pathways.settings import Settings

Library = Callable[[str], bytes | None]
# Only a file that names the Camunda namespace is searched for Camunda leftovers.
_CAMUNDA_MARK = b"http://camunda.org/schema/1.0/bpmn"


def budget(settings: Settings) -> engine.Budget:
    config = settings.sandbox
    engine.configure_workers(workers=config.workers, memory_mb=config.memory_mb)
    return engine.Budget(
        seconds=config.seconds, max_size=config.max_size, wall_seconds=config.wall_seconds
    )


def validate_file(
    *, data: bytes, settings: Settings, library: Library
) -> list[engine.BuiltProcess]:
    """Build every process in the file; structural faults raise, lint problems are listed."""
    built = engine.build(
        data,
        max_bytes=settings.max_bpmn_bytes,
        check_form=FormCatalog(settings.forms_dir).problem,
        budget=budget(settings),
        library=library,
    )
    leftover = _camunda_leftover(data, settings) if _CAMUNDA_MARK in data else None
    if leftover is None or not built:
        return built
    first = built[0]  # said once per file, on its first process
    return [replace(first, problems=(leftover, *first.problems)), *built[1:]]


def _camunda_leftover(data: bytes, settings: Settings) -> Problem | None:
    from pathways.engine.bpmn_xml import parse_bpmn
    from pathways.processes.camunda import leftover_problem

    return leftover_problem(parse_bpmn(data, max_bytes=settings.max_bpmn_bytes))
