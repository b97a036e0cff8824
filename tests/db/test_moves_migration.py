"""Migration 0012 adds the link from a case to the one it continues after a move, and
takes it away again on the way down."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from pathways.db import migrate


def _columns(db) -> set[str]:
    with db.engine.connect() as connection:
        return {c["name"] for c in inspect(connection).get_columns("process_instance")}


def test_the_moves_migration_goes_down_and_up_again(db):
    assert "moved_from_id" in _columns(db)
    command.downgrade(migrate.alembic_config(db.url), "0011_development_centres")
    assert "moved_from_id" not in _columns(db)
    assert {"id", "client_id", "workflow_state", "revision"} <= _columns(db)
    migrate.upgrade(db.url)
    assert "moved_from_id" in _columns(db)
