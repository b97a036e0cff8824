"""decisions: the DMN decision tables each process version calls, with their files

Revision ID: 0008_decisions
Revises: 0007_directory_generation
Create Date: 2026-12-04 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_decisions"
down_revision: str | None = "0007_directory_generation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "process_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.String(length=128), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("dmn_xml", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["process_version.id"],
            name=op.f("fk_process_decision_version_id_process_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_decision")),
        sa.UniqueConstraint(
            "version_id",
            "decision_id",
            name=op.f("uq_process_decision_version_id_decision_id"),
        ),
    )
    op.create_index(
        op.f("ix_process_decision_version_id"), "process_decision", ["version_id"], unique=False
    )
    op.create_index(
        op.f("ix_process_decision_decision_id"), "process_decision", ["decision_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_process_decision_decision_id"), table_name="process_decision")
    op.drop_index(op.f("ix_process_decision_version_id"), table_name="process_decision")
    op.drop_table("process_decision")
