"""Record entries, their corrections, and the client's consents to share."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db.base import Base, JSONValue, UTCDateTime
from pathways.people.models import Organisation, User
from pathways.tasks.models import Task


class RecordEntry(Base):
    """What an organisation recorded at one step: the form's answers as they stand now."""

    __tablename__ = "record_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), unique=True)
    step: Mapped[str] = mapped_column(String(255))
    form: Mapped[str] = mapped_column(String(255))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    organisation: Mapped[Organisation] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    task: Mapped[Task] = relationship()
    corrections: Mapped[list[RecordCorrection]] = relationship(
        order_by="RecordCorrection.id", cascade="all, delete-orphan"
    )


class RecordCorrection(Base):
    """One correction of an entry: the fields changed, their earlier values, and why."""

    __tablename__ = "record_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("record_entry.id", ondelete="CASCADE"), index=True
    )
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    corrected_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    # field → the value before this correction (absent fields: the key maps to None)
    previous: Mapped[dict[str, Any]] = mapped_column(JSONValue)


class ConsentMethod(StrEnum):
    IN_PERSON = "in_person"
    WRITTEN = "written"
    BY_INTERPRETER = "by_interpreter"


class Consent(Base):
    """The client's consent to share the case with organisations outside the statutory team.

    `kinds` are organisation kinds; `steps` the BPMN ids of the steps whose shared fields
    it covers (empty: every step).
    """

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    kinds: Mapped[list[str]] = mapped_column(JSONValue)
    steps: Mapped[list[str]] = mapped_column(JSONValue)
    given_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(16))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def covers(self, kind: str, step: str | None = None) -> bool:
        """Whether this consent, still in force, lets `kind` read `step` (None: any step)."""
        if not self.active or kind not in self.kinds:
            return False
        return step is None or not self.steps or step in self.steps


class StepReopening(Base):
    """A manager sent the case back to a completed step: who, when, why, and what it held.

    `previous` is the step's recorded answers when it was reopened; the record entry keeps
    them until the step is completed again.
    """

    __tablename__ = "step_reopening"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    reopened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reopened_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    previous: Mapped[dict[str, Any]] = mapped_column(JSONValue)
