"""The task projection: the human tasks of every case, rewritten with each change."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db.base import Base, JSONValue, UTCDateTime
from pathways.people.models import Organisation, User


class TaskState(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Task(Base):
    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        Index("ix_task_queue", "organisation_id", "state", "due_at"),
        Index("ix_task_step", "bpmn_id", "state"),
        Index("ix_task_instance_organisation", "instance_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    bpmn_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    documentation: Mapped[str | None] = mapped_column(Text)
    lane: Mapped[str | None] = mapped_column(String(255))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    state: Mapped[str] = mapped_column(String(16), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    form: Mapped[str | None] = mapped_column(String(255))
    ui_form: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    organisation: Mapped[Organisation | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])


class TaskDraft(Base):
    """A caseworker's unfinished form data for a task, kept until the task is completed."""

    __tablename__ = "task_draft"
    __table_args__ = (UniqueConstraint("task_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TaskCount(Base):
    """Open tasks counted by organisation, pathway, step and due day, for the dashboards.

    Rows are signed changes (+n as tasks open, -n as they close) written in the same
    transaction as the task rows (`tasks/counts.py`), folded now and then into one row
    per key; a key's open tasks are the sum of its rows. `due_on` is the UTC date of the
    tasks' due time, None for tasks without one. No foreign keys: a count is not a
    reference, and writing one must not lock the organisation or the model.
    """

    __tablename__ = "task_count"
    __table_args__ = (Index("ix_task_count_key", "organisation_id", "model_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer)
    model_id: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(255))
    step_name: Mapped[str] = mapped_column(String(255))
    due_on: Mapped[date | None] = mapped_column(Date)
    open: Mapped[int] = mapped_column(Integer)
