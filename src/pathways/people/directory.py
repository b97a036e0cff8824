"""The case team's organisations, cached per process and checked against the directory stamp.

Every flush that adds, removes or changes an organisation, its coverage, or a person's
organisation, roles or activity also writes a fresh random stamp into the one
`directory_generation` row, in the same transaction. A transaction that reads stamp S
may use organisations cached under S: any change to them would have replaced S before it
became visible. Rows loaded after reading S are stored under S; if a change slipped in
between, S is already gone and the entry is never used. Replicas need no messages: each
sees the new stamp at its next read.

Only the team lookup of the write path uses this cache. Permission checks read the acting
person and their organisation afresh in each request and never look here.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.sql.selectable import ScalarSelect

from pathways.db.base import table_of
from pathways.people.models import Coverage, DirectoryGeneration, Organisation, User

# What of a person decides which organisation's work they do and may see (the relationship
# too: its foreign key is only written during the flush, after this check).
_MEMBERSHIP = ("organisation", "organisation_id", "roles", "active")
_TABLE = table_of(DirectoryGeneration)
_STAMP = select(_TABLE.c.stamp).where(_TABLE.c.id == 1)
_BUMP = _TABLE.update().where(_TABLE.c.id == 1)
_BY_CODE = select(Organisation).where(Organisation.code.in_(bindparam("codes", expanding=True)))


def stamp_column() -> ScalarSelect[str]:
    """The stamp as a column, to fold into a statement the request makes anyway."""
    return _STAMP.scalar_subquery()


def read_stamp(session: Session) -> str | None:
    return session.scalar(_STAMP)


def bump(session: Session) -> None:
    """A new stamp, committed or rolled back with the caller's change."""
    stamp = uuid.uuid4().hex
    if session.execute(_BUMP.values(stamp=stamp)).rowcount == 0:  # type: ignore[attr-defined]
        # The row was emptied (tests truncate every table): put it back.
        session.execute(_TABLE.insert().values(id=1, stamp=stamp))


@dataclass(frozen=True)
class _Snapshot:
    id: int
    code: str
    name: str
    kind: str
    created_at: datetime
    names: dict[str, str] | None


class _Cache:
    """Per database: the stamp the entries were read under, and organisations by code."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[str, dict[str, _Snapshot]]] = {}

    def get(self, database: str, stamp: str, codes: Iterable[str]) -> dict[str, _Snapshot]:
        with self._lock:
            seen, by_code = self._entries.get(database, ("", {}))
            if seen != stamp:
                return {}
            return {c: by_code[c] for c in codes if c in by_code}

    def put(self, database: str, stamp: str, found: Iterable[_Snapshot]) -> None:
        with self._lock:
            seen, by_code = self._entries.get(database, ("", {}))
            if seen != stamp:
                by_code = {}
            self._entries[database] = (stamp, {**by_code, **{s.code: s for s in found}})

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_cache = _Cache()


def organisations(
    session: Session, codes: Iterable[str], *, stamp: str | None = None
) -> dict[str, Organisation]:
    """The organisations of these codes that exist, by code, as objects of `session`.

    `stamp` is the directory stamp this transaction already read (else it is read here).
    """
    wanted = set(codes)
    if stamp is None:
        stamp = read_stamp(session)
    if stamp is None:  # no stamp row: nothing can be trusted, so nothing is cached
        return {o.code: o for o in session.scalars(_BY_CODE, {"codes": sorted(wanted)})}
    database = str(session.get_bind().engine.url)
    cached = _cache.get(database, stamp, wanted)
    missing = sorted(wanted - cached.keys())
    loaded = {o.code: o for o in session.scalars(_BY_CODE, {"codes": missing})} if missing else {}
    if loaded:
        _cache.put(database, stamp, (_snapshot(o) for o in loaded.values()))
    return {**{code: _attach(session, s) for code, s in cached.items()}, **loaded}


def forget() -> None:
    """Drop everything cached in this process (a process that changes databases under it)."""
    _cache.clear()


def _snapshot(organisation: Organisation) -> _Snapshot:
    o = organisation
    return _Snapshot(
        id=o.id,
        code=o.code,
        name=o.name,
        kind=o.kind,
        created_at=o.created_at,
        names=dict(o.names) if o.names else o.names,
    )


def _attach(session: Session, snapshot: _Snapshot) -> Organisation:
    """The organisation as a loaded object of this session, without asking the database
    (its coverage loads on first use, as for any object)."""
    held = session.identity_map.get(session.identity_key(Organisation, snapshot.id))
    if held is not None:
        return held  # type: ignore[no-any-return]
    organisation = Organisation(
        id=snapshot.id,
        code=snapshot.code,
        name=snapshot.name,
        kind=snapshot.kind,
        created_at=snapshot.created_at,
        names=dict(snapshot.names) if snapshot.names else snapshot.names,
    )
    make_transient_to_detached(organisation)
    session.add(organisation)
    return organisation


def _changes_directory(session: Session) -> bool:
    for held in (*session.new, *session.deleted):
        if isinstance(held, Organisation | Coverage | User):
            return True
    for held in session.dirty:
        if isinstance(held, Organisation | Coverage) and session.is_modified(held):
            return True
        if isinstance(held, User):
            state = inspect(held)
            if any(state.attrs[name].history.has_changes() for name in _MEMBERSHIP):
                return True
    return False


@event.listens_for(Session, "before_flush")
def _bump_on_change(session: Session, _context: Any, _instances: Any) -> None:
    if _changes_directory(session):
        bump(session)
