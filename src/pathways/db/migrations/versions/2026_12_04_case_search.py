"""case search: indexes for finding cases by reference, pathway, state, step and dates

Revision ID: 0005_case_search
Revises: 0004_pages
Create Date: 2026-12-04 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_case_search"
down_revision: str | None = "0005_refusals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLAIN = (
    ("ix_process_instance_version_started", "process_instance", ["version_id", "started_at"]),
    ("ix_process_instance_state_started", "process_instance", ["state", "started_at"]),
    ("ix_process_instance_started_at", "process_instance", ["started_at"]),
    ("ix_process_instance_ended_at", "process_instance", ["ended_at"]),
    ("ix_task_step", "task", ["bpmn_id", "state"]),
    ("ix_task_instance_organisation", "task", ["instance_id", "organisation_id"]),
)


def upgrade() -> None:
    for name, table, columns in _PLAIN:
        op.create_index(name, table, columns, unique=False)
    # On PostgreSQL with text_pattern_ops, so LIKE 'p%' reads it in any collation.
    postgresql = op.get_bind().dialect.name == "postgresql"
    expression = "lower(reference) text_pattern_ops" if postgresql else "lower(reference)"
    op.create_index("ix_client_reference_lower", "client", [sa.text(expression)], unique=False)


def downgrade() -> None:
    op.drop_index("ix_client_reference_lower", table_name="client")
    for name, table, _columns in reversed(_PLAIN):
        op.drop_index(name, table_name=table)
