"""reopened steps: who sent a case back to a completed step, when, why, what it held

Revision ID: 0006_reopen
Revises: 0005_identity_providers
Create Date: 2026-12-04 02:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pathways.db.base import JSONValue, UTCDateTime

revision: str = "0006_reopen"
down_revision: str | None = "0005_kept_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "step_reopening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("reopened_at", UTCDateTime(), nullable=False),
        sa.Column("reopened_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("previous", JSONValue, nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_step_reopening_instance_id"), "step_reopening", ["instance_id"], unique=False
    )
    op.create_index(op.f("ix_step_reopening_task_id"), "step_reopening", ["task_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_step_reopening_task_id"), table_name="step_reopening")
    op.drop_index(op.f("ix_step_reopening_instance_id"), table_name="step_reopening")
    op.drop_table("step_reopening")
