"""notes and attachments on cases and steps

Revision ID: 0005_notes
Revises: 0004_pages
Create Date: 2026-12-04 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pathways.db.base import JSONValue, UTCDateTime

revision: str = "0005_notes"
down_revision: str | None = "0004_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _shared() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("audience", JSONValue, nullable=False),
    ]


def _keys() -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
    ]


def upgrade() -> None:
    op.create_table(
        "note",
        *_shared(),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        *_keys(),
        sa.ForeignKeyConstraint(["corrects_id"], ["note.id"]),
    )
    op.create_index(op.f("ix_note_instance_id"), "note", ["instance_id"], unique=False)
    op.create_table(
        "attachment",
        *_shared(),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        *_keys(),
    )
    op.create_index(op.f("ix_attachment_instance_id"), "attachment", ["instance_id"], unique=False)
    op.create_index(op.f("ix_attachment_sha256"), "attachment", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_attachment_sha256"), table_name="attachment")
    op.drop_index(op.f("ix_attachment_instance_id"), table_name="attachment")
    op.drop_table("attachment")
    op.drop_index(op.f("ix_note_instance_id"), table_name="note")
    op.drop_table("note")
