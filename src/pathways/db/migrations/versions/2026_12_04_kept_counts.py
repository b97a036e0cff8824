"""kept counts of open tasks for the dashboards, backfilled from the task rows

Revision ID: 0005_kept_counts
Revises: 0004_pages
Create Date: 2026-12-04 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_kept_counts"
down_revision: str | None = "0005_identity_providers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_OPEN = sa.text("state = 'open'")
_DUE = ["due_at", "id"]
_COVERED = [*_DUE, "organisation_id", "instance_id", "bpmn_id", "name"]


def _due_index(columns: list[str]) -> None:
    op.drop_index("ix_task_open_due", table_name="task")
    op.create_index("ix_task_open_due", "task", columns, postgresql_where=_OPEN, sqlite_where=_OPEN)


def upgrade() -> None:
    # The open-task due index also covers the overview's count of the days cut in two.
    _due_index(_COVERED)
    op.create_table(
        "task_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=255), nullable=False),
        sa.Column("step_name", sa.String(length=255), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("open", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_task_count_key", "task_count", ["organisation_id", "model_id", "step"], unique=False
    )
    # Spelt here rather than imported, so this revision keeps meaning what it meant.
    day = (
        "CAST((t.due_at AT TIME ZONE 'UTC') AS DATE)"
        if op.get_bind().dialect.name == "postgresql"
        else "date(t.due_at)"
    )
    op.execute(
        "INSERT INTO task_count (organisation_id, model_id, step, step_name, due_on, open)"  # noqa: S608
        f" SELECT t.organisation_id, v.model_id, t.bpmn_id, t.name, {day}, count(*)"
        " FROM task t JOIN process_instance i ON i.id = t.instance_id"
        " JOIN process_version v ON v.id = i.version_id"
        " WHERE t.state = 'open' AND t.organisation_id IS NOT NULL"
        f" GROUP BY t.organisation_id, v.model_id, t.bpmn_id, t.name, {day}"
    )


def downgrade() -> None:
    _due_index(_DUE)
    op.drop_index("ix_task_count_key", table_name="task_count")
    op.drop_table("task_count")
