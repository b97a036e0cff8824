"""Daily snapshots of open, at-risk and overdue tasks, the memory behind the trend charts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from pathways.cases.models import ProcessInstance
from pathways.db.base import Base, UTCDateTime
from pathways.tasks.models import Task


class DashboardSnapshot(Base):
    """One step of one pathway in one organisation on one day (Helsinki date)."""

    __tablename__ = "dashboard_snapshot"
    __table_args__ = (UniqueConstraint("day", "organisation_id", "model_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    model_id: Mapped[int] = mapped_column(ForeignKey("process_model.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(255))
    step_name: Mapped[str] = mapped_column(String(255))
    open: Mapped[int] = mapped_column(Integer)
    at_risk: Mapped[int] = mapped_column(Integer)
    overdue: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Indexes for the dashboard's reads, declared here beside the queries that need them
# (bench/dashboard.py shows the difference). Partial on open tasks: those are the few.
_OPEN = text("state = 'open'")
Index(
    "ix_task_open_by_case",
    Task.instance_id,
    Task.organisation_id,
    Task.bpmn_id,
    Task.name,
    Task.due_at,
    postgresql_where=_OPEN,
    sqlite_where=_OPEN,
)  # covers the overview: an index-only scan merge-joined with the case index below
# Also covers the overview's count of the (at most two) days that "now" and the end of
# the at-risk window cut in two: an index-only scan, however large the task table.
Index(
    "ix_task_open_due",
    Task.due_at,
    Task.id,
    Task.organisation_id,
    Task.instance_id,
    Task.bpmn_id,
    Task.name,
    postgresql_where=_OPEN,
    sqlite_where=_OPEN,
)
Index("ix_process_instance_version", ProcessInstance.id, ProcessInstance.version_id)
