"""drafts: a pathway's draft is saved over until deployed; who saved it last, and when

Revision ID: 0009_drafts
Revises: 0008_decisions
Create Date: 2026-12-04 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pathways.db.base import UTCDateTime

revision: str = "0009_drafts"
down_revision: str | None = "0008_decisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both databases: a batch copy of `process_version` on SQLite would
# drop a table that instances and decisions reference.
def upgrade() -> None:
    op.add_column("process_version", sa.Column("saved_by", sa.String(length=64), nullable=True))
    op.add_column("process_version", sa.Column("saved_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("process_version", "saved_at")
    op.drop_column("process_version", "saved_by")
