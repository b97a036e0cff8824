"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from pathways.db import migrate
from tests import factories


def test_migrations_and_models_agree(db):
    # `db` is already upgraded to head; `alembic check` fails on any drift.
    migrate.check(db.url)


def test_upgrading_twice_is_harmless(db):
    migrate.upgrade(db.url)
    migrate.check(db.url)


def test_downgrading_and_upgrading_again_keeps_every_case_and_its_tasks(db, settings):
    # On SQLite a batch migration copies the table it changes: rows that reference the
    # old table must survive its drop.
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "handoff")
        factories.start(s, settings, "handoff", reference="C-1")
    before = _rows(db)
    command.downgrade(migrate.alembic_config(db.url), "0010_organisation_names")
    migrate.upgrade(db.url)
    assert _rows(db) == before and before[1] > 0


def _rows(db) -> tuple[int, int, int]:
    with db.engine.connect() as connection:
        return tuple(
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in ("process_instance", "task", "audit_event")
        )
