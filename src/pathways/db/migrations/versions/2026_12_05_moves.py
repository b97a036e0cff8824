"""moves: a case opened in the municipality the client moved to names the case it
continues (`process_instance.moved_from_id`)

Revision ID: 0012_moves
Revises: 0011_development_centres
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_moves"
down_revision: str | None = "0011_development_centres"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.add_column(sa.Column("moved_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_process_instance_moved_from_id_process_instance"),
            "process_instance",
            ["moved_from_id"],
            ["id"],
        )
        batch.create_index(op.f("ix_process_instance_moved_from_id"), ["moved_from_id"])


def downgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.drop_index(op.f("ix_process_instance_moved_from_id"))
        batch.drop_constraint(
            op.f("fk_process_instance_moved_from_id_process_instance"), type_="foreignkey"
        )
        batch.drop_column("moved_from_id")
