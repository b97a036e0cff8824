"""identity providers: where an account comes from, and provider sessions

Revision ID: 0005_identity_providers
Revises: 0004_pages
Create Date: 2026-12-04 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pathways.db.base import UTCDateTime

revision: str = "0005_identity_providers"
down_revision: str | None = "0005_case_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=32), server_default="local", nullable=False)
        )
        batch_op.add_column(sa.Column("subject", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_user_origin_subject"), ["origin", "subject"]
        )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("provider_sid", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("provider_token", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("provider_refresh", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("checked_at", UTCDateTime(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_login_session_provider_sid"), ["provider_sid"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_provider_sid"))
        batch_op.drop_column("checked_at")
        batch_op.drop_column("provider_refresh")
        batch_op.drop_column("provider_token")
        batch_op.drop_column("provider_sid")
        batch_op.drop_column("provider")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_origin_subject"), type_="unique")
        batch_op.drop_column("subject")
        batch_op.drop_column("origin")
