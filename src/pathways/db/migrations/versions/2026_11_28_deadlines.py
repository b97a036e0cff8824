"""deadlines: timer firing record and backoff, closed days per organisation

Revision ID: 0003_deadlines
Revises: 0003_dashboards
Create Date: 2026-11-28 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pathways.db.base import UTCDateTime

revision: str = "0003_deadlines"
down_revision: str | None = "0003_dashboards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "closed_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_closed_day_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_day")),
        sa.UniqueConstraint(
            "organisation_id", "day", name=op.f("uq_closed_day_organisation_id_day")
        ),
    )
    with op.batch_alter_table("closed_day", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_closed_day_organisation_id"), ["organisation_id"], unique=False
        )
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("lateness_seconds", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.drop_column("lateness_seconds")
        batch_op.drop_column("next_attempt_at")
    with op.batch_alter_table("closed_day", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closed_day_organisation_id"))
    op.drop_table("closed_day")
