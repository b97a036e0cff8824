"""task drafts: a caseworker's saved, unfinished form data

Revision ID: 0004_pages
Revises: 0003_deadlines
Create Date: 2026-11-28 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pathways.db.base import JSONValue, UTCDateTime

revision: str = "0004_pages"
down_revision: str | None = "0003_deadlines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("data", JSONValue, nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "user_id"),
    )
    op.create_index(op.f("ix_task_draft_task_id"), "task_draft", ["task_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_task_draft_task_id"), table_name="task_draft")
    op.drop_table("task_draft")
