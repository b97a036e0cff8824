"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from pathways.db import migrate


def test_migrations_and_models_agree(db):
    # `db` is already upgraded to head; `alembic check` fails on any drift.
    migrate.check(db.url)


def test_upgrading_twice_is_harmless(db):
    migrate.upgrade(db.url)
    migrate.check(db.url)
