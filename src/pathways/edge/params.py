"""Bounds on identifiers in paths and queries, so no number the database cannot hold
ever reaches it (a 4-byte integer column on PostgreSQL, 8 bytes on SQLite)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**31 - 1
MAX_BIG_ID = 2**63 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
RowIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
BigIdQuery = Annotated[int | None, Query(ge=1, le=MAX_BIG_ID)]
