"""The incident table: one row per case the poller gave up on, open until handled."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pathways.db.base import Base, UTCDateTime


class IncidentState(StrEnum):
    OPEN = "open"
    RETRIED = "retried"
    CANCELLED = "cancelled"


class Incident(Base):
    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_instance_state", "instance_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    element: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(64))
