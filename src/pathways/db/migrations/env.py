"""Alembic environment: runs migrations online against the configured URL."""

from __future__ import annotations

from typing import Any

from alembic import context

from pathways.db.models import Base
from pathways.db.session import make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is set by pathways.db.migrate"
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table and drops the old one; with foreign keys
            # on, that drop would cascade into every row that references the table.
            _sqlite(connection, "PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = _sqlite(connection, "PRAGMA foreign_key_check")
            _sqlite(connection, "PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"the migration left {len(broken)} dangling references")
    engine.dispose()


def _sqlite(connection: Any, pragma: str) -> list[Any]:
    """Run a pragma outside any transaction (inside one, foreign_keys is ignored)."""
    cursor = connection.connection.driver_connection.execute(pragma)
    return list(cursor.fetchall())


run_migrations()
