"""Checking a BPMN file against the engine and the form folder, without the database.

A file whose call activities name processes it does not hold asks `library` for the
deployed XML of those; everything else needs only the file, the settings and the forms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from pathways import engine
from pathways.errors import Problem
from pathways.forms.service import FormCatalog
from pathways.settings import Settings

Library = Callable[[str], bytes | None]
DecisionLibrary = Callable[[str], "engine.DecisionFile | None"]
# Only a file that names the Camunda namespace is searched for Camunda leftovers.
_CAMUNDA_MARK = b"http://camunda.org/schema/1.0/bpmn"
_Name = TypeVar("_Name")


def budget(settings: Settings) -> engine.Budget:
    config = settings.sandbox
    engine.configure_workers(workers=config.workers, memory_mb=config.memory_mb)
    return engine.Budget(
        seconds=config.seconds, max_size=config.max_size, wall_seconds=config.wall_seconds
    )


def is_decision_file(name: str, data: bytes) -> bool:
    """Whether a file given beside a model holds DMN decision tables rather than BPMN."""
    return name.lower().endswith(".dmn") or engine.is_dmn(data)


def decision_file(name: str, data: bytes) -> engine.DecisionFile:
    return engine.DecisionFile(name, data)


def deploy_order(
    models: Sequence[tuple[_Name, bytes]], settings: Settings
) -> list[tuple[_Name, bytes]]:
    """The files of one deploy, each after the files defining the processes it calls, so
    that every call finds its process deployed; otherwise (and in a cycle) as given."""
    limit = settings.max_bpmn_bytes
    defines = [set(engine.defined_processes(data, max_bytes=limit)) for _, data in models]
    calls = [set(engine.called_processes(data, max_bytes=limit)) for _, data in models]
    waiting = list(range(len(models)))
    ordered: list[int] = []
    while waiting:
        pending = set().union(*(defines[i] for i in waiting))
        ready = [i for i in waiting if not (calls[i] - defines[i]) & pending]
        chosen = ready[0] if ready else waiting[0]
        ordered.append(chosen)
        waiting.remove(chosen)
    return [models[i] for i in ordered]


def validate_file(
    *,
    data: bytes,
    settings: Settings,
    library: Library,
    companions: Sequence[bytes] = (),
    decisions: Sequence[engine.DecisionFile] = (),
    decision_library: DecisionLibrary = lambda _id: None,
) -> list[engine.BuiltProcess]:
    """Build every process in the file; structural faults raise, lint problems are listed.

    A call activity finds its process among `companions` (the other files of the same
    command or upload) before asking `library`, so a library validates on an empty database.
    """
    beside = {
        key: document
        for document in companions
        for key in engine.defined_processes(document, max_bytes=settings.max_bpmn_bytes)
    }
    built = engine.build(
        data,
        max_bytes=settings.max_bpmn_bytes,
        check_form=FormCatalog(settings.forms_dir).problem,
        budget=budget(settings),
        library=lambda key: beside.get(key) or library(key),
        decision_files=decisions,
        decision_library=decision_library,
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
