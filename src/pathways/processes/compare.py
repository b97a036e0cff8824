"""Comparing two versions of a pathway, for the diff drawn on the diagram."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pathways import engine
from pathways.processes.service import get_version


def diff(session: Session, *, key: str, old: int, new: int) -> engine.ModelDiff:
    """Elements added, removed and changed from version `old` to version `new`."""
    before = get_version(session, key, old)
    after = get_version(session, key, new)
    return engine.compare(before.spec, after.spec)
