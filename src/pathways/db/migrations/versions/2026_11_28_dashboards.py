"""dashboards: daily snapshots, the mail queue and the digest record

Revision ID: 0003_dashboards
Revises: 0003_identity
Create Date: 2026-11-28 15:09:18.166437
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pathways.db.base import UTCDateTime

revision: str = "0003_dashboards"
down_revision: str | None = "0003_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OPEN = sa.text("state = 'open'")


def upgrade() -> None:
    # The dashboard's reads (bench/dashboard.py): covering and partial on open tasks.
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_open_by_case",
            ["instance_id", "organisation_id", "bpmn_id", "name", "due_at"],
            unique=False,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )
        batch_op.create_index(
            "ix_task_open_due",
            ["due_at", "id"],
            unique=False,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )
    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.create_index("ix_process_instance_version", ["id", "version_id"], unique=False)

    op.create_table(
        "outgoing_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mail")),
    )
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.create_index("ix_outgoing_mail_pending", ["sent_at", "lease_until"], unique=False)

    op.create_table(
        "dashboard_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=255), nullable=False),
        sa.Column("step_name", sa.String(length=255), nullable=False),
        sa.Column("open", sa.Integer(), nullable=False),
        sa.Column("at_risk", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("taken_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["process_model.id"],
            name=op.f("fk_dashboard_snapshot_model_id_process_model"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_dashboard_snapshot_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_snapshot")),
        sa.UniqueConstraint(
            "day",
            "organisation_id",
            "model_id",
            "step",
            name=op.f("uq_dashboard_snapshot_day_organisation_id_model_id_step"),
        ),
    )
    with op.batch_alter_table("dashboard_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dashboard_snapshot_day"), ["day"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dashboard_snapshot_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "digest_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("queued_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_digest_sent_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_sent")),
        sa.UniqueConstraint(
            "organisation_id", "day", name=op.f("uq_digest_sent_organisation_id_day")
        ),
    )


def downgrade() -> None:
    op.drop_table("digest_sent")
    with op.batch_alter_table("dashboard_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dashboard_snapshot_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_dashboard_snapshot_day"))

    op.drop_table("dashboard_snapshot")
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.drop_index("ix_outgoing_mail_pending")

    op.drop_table("outgoing_mail")
    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.drop_index("ix_process_instance_version")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_open_due")
        batch_op.drop_index("ix_task_open_by_case")
