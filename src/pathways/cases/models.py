"""Clients and the process instances (cases) that run for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db.base import Base, JSONValue, UTCDateTime
from pathways.processes.models import ProcessVersion


class InstanceState(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Client(Base):
    """A pseudonymous client: a reference, a municipality and two languages, nothing more.

    A reference is the municipality's own: the same one in another municipality is
    another client.
    """

    __tablename__ = "client"
    # Case-insensitive prefix search of references (`lower(reference) LIKE 'c-10%'`).
    __table_args__ = (
        UniqueConstraint("municipality", "reference"),
        # text_pattern_ops: PostgreSQL reads LIKE 'p%' from the index in any collation.
        Index(
            "ix_client_reference_lower",
            func.lower(Column("reference", String(64))).label("reference_lower"),
            postgresql_ops={"reference_lower": "text_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64))
    municipality: Mapped[str] = mapped_column(String(64), index=True)
    contact_language: Mapped[str | None] = mapped_column(String(8))
    integration_language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessInstance(Base):
    """A case. `workflow_state` (the engine's JSON, spec excluded) is its source of truth."""

    __tablename__ = "process_instance"
    # Finding cases: newest first within a pathway or a state, and by when they ended.
    __table_args__ = (
        Index("ix_process_instance_version_started", "version_id", "started_at"),
        Index("ix_process_instance_state_started", "state", "started_at"),
        Index("ix_process_instance_started_at", "started_at"),
        Index("ix_process_instance_ended_at", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    team: Mapped[dict[str, str]] = mapped_column(JSONValue)
    state: Mapped[str] = mapped_column(String(16), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_by: Mapped[str | None] = mapped_column(String(64))
    workflow_state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The case in the municipality the client moved from; that case's successor is the
    # one naming it here (`moved_to`).
    moved_from_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    version: Mapped[ProcessVersion] = relationship(lazy="joined")
    client: Mapped[Client] = relationship()

    # Every write checks and bumps `revision`: a writer that lost a race fails instead of
    # overwriting, even where no row lock was taken.
    __mapper_args__ = {"version_id_col": revision}
