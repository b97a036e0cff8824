"""New pathways from a starting point: a blank hand-off between two organisations, or
a copy of a shipped pathway. The new pathway begins as a draft, version 1."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import engine
from pathways.errors import Conflict, InvalidData, InvalidModel
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.processes.models import ProcessModel
from pathways.settings import Settings

BLANK = "blank-handoff"
_BLANK_FILE = Path(__file__).parent / "starters" / "handoff.bpmn"
# A key is the executable process id: an XML name that also reads well in a URL.
KEY = re.compile(r"[a-z][a-z0-9_]{1,63}")


@dataclass(frozen=True)
class StartingPoint:
    code: str
    name: str  # English; the page translates it
    path: Path


def starting_points(settings: Settings) -> list[StartingPoint]:
    """The blank hand-off first, then each shipped pathway with one executable process."""
    found = [StartingPoint(BLANK, "Blank: a hand-off between two organisations", _BLANK_FILE)]
    for path in sorted(settings.bpmn_dir.glob("*.bpmn")):
        try:
            name = engine.process_name(path.read_bytes(), max_bytes=settings.max_bpmn_bytes)
        except InvalidModel:
            continue
        if name:
            found.append(StartingPoint(path.stem, name, path))
    return found


def create(
    session: Session,
    *,
    starting_point: str,
    key: str,
    name: str,
    actor: Actor,
    settings: Settings,
) -> processes.Deployment:
    """A new pathway `key` named `name`, saved as a draft from the starting point."""
    permissions.require_designer(actor)
    if not KEY.fullmatch(key):
        raise InvalidData("the key is 2 to 64 lower-case letters, digits or _, a letter first")
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidData("the name is 1 to 200 characters")
    chosen = next((p for p in starting_points(settings) if p.code == starting_point), None)
    if chosen is None:
        raise InvalidData("no such starting point")
    if session.scalar(select(ProcessModel.id).where(ProcessModel.key == key)) is not None:
        raise Conflict("a pathway with this key exists already")
    data = engine.renamed_process(
        chosen.path.read_bytes(), key=key, name=name, max_bytes=settings.max_bpmn_bytes
    )
    done = processes.deploy(session, data=data, actor=actor, settings=settings, draft=True, key=key)
    return next(d for d in done if d.key == key)
