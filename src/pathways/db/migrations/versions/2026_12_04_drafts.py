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


def upgrade() -> None:
    with op.batch_alter_table("process_version") as table:
        table.add_column(sa.Column("saved_by", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("saved_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_version") as table:
        table.drop_column("saved_at")
        table.drop_column("saved_by")
