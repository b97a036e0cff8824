"""organisation names per language: fi, sv and en beside the one name kept as fallback

Revision ID: 0010_organisation_names
Revises: 0009_drafts
Create Date: 2026-12-04 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pathways.db.base import JSONValue

revision: str = "0010_organisation_names"
down_revision: str | None = "0009_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both databases: a batch copy of `organisation` on SQLite would
# drop a table that users and tasks reference.
def upgrade() -> None:
    op.add_column("organisation", sa.Column("names", JSONValue, nullable=True))


def downgrade() -> None:
    op.drop_column("organisation", "names")
