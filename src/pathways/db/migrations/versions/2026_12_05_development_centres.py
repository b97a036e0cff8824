"""economic development centres: the ELY Centres' kind code `ely_centre` becomes
`economic_development_centre` in organisations and in the kind lists kept on versions,
notes and consents (the old code is still read as the new one)

Revision ID: 0011_development_centres
Revises: 0010_organisation_names
Create Date: 2026-12-05 09:00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pathways.db.base import JSONValue

revision: str = "0011_development_centres"
down_revision: str | None = "0010_organisation_names"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD, NEW = "ely_centre", "economic_development_centre"
# (table, column) of JSON lists of organisation kinds.
KIND_LISTS = (("process_version", "kinds"), ("note", "audience"), ("consent", "kinds"))


def upgrade() -> None:
    _rename(OLD, NEW)


def downgrade() -> None:
    _rename(NEW, OLD)


def _rename(old: str, new: str) -> None:
    bind = op.get_bind()
    organisation = sa.table("organisation", sa.column("kind", sa.String))
    bind.execute(organisation.update().where(organisation.c.kind == old).values(kind=new))
    for name, column in KIND_LISTS:
        table = sa.table(name, sa.column("id", sa.Integer), sa.column(column, JSONValue))
        # Only rows naming the code are read: notes may be many.
        naming = sa.cast(table.c[column], sa.Text).like(f'%"{old}"%')
        rows = bind.execute(sa.select(table.c.id, table.c[column]).where(naming)).all()
        for row_id, kinds in rows:
            if isinstance(kinds, list) and old in kinds:
                renamed = [new if kind == old else kind for kind in kinds]
                bind.execute(table.update().where(table.c.id == row_id).values({column: renamed}))
    # Processes cache organisations under this stamp: a new one makes them read again.
    stamp = sa.table("directory_generation", sa.column("stamp", sa.String))
    bind.execute(stamp.update().values(stamp=uuid.uuid4().hex))
