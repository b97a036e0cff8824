"""client references are unique within their municipality, not across all of them

Each municipality hands out its own pseudonymous references; one used elsewhere is
another client, and whether it exists is none of this municipality's business.

Revision ID: 0005_refusals
Revises: 0004_pages
Create Date: 2026-12-04 01:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_refusals"
down_revision: str | None = "0005_incidents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_constraint("uq_client_reference", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_client_municipality_reference"), ["municipality", "reference"]
        )


def downgrade() -> None:
    # Fails while two municipalities hold the same reference: merge or rename them first.
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_constraint("uq_client_municipality_reference", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_client_reference"), ["reference"])
