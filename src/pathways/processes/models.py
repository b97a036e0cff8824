"""Process models (a pathway, named by its executable process id) and their versions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db.base import Base, JSONValue, UTCDateTime


class VersionState(StrEnum):
    DRAFT = "draft"
    DEPLOYED = "deployed"
    RETIRED = "retired"


class ProcessModel(Base):
    __tablename__ = "process_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    target_group: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    versions: Mapped[list[ProcessVersion]] = relationship(
        back_populates="model", order_by="ProcessVersion.number"
    )


class ProcessVersion(Base):
    """One revision of a model: the XML, the spec built from it, and its forms.

    A model has at most one draft, its newest version: saving a draft again overwrites
    it, and deploying it makes it the next version. Deployed and retired versions are
    immutable.

    The named forms are copied in at deploy, so a deployed version never changes under
    running cases when someone edits `forms/`.
    """

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("model_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("process_model.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # Large and rarely needed once a version's spec is cached: loaded on first access.
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    spec: Mapped[str] = mapped_column(Text, deferred=True)
    forms: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    kinds: Mapped[list[str]] = mapped_column(JSONValue)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A draft is saved over until it is deployed: who saved it last, and when.
    saved_by: Mapped[str | None] = mapped_column(String(64))
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deployed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    model: Mapped[ProcessModel] = relationship(back_populates="versions")
    # A draft saved over replaces its tables: the ones it no longer holds are deleted.
    decisions: Mapped[list[ProcessDecision]] = relationship(
        back_populates="version",
        order_by="ProcessDecision.decision_id",
        cascade="all, delete-orphan",
    )


class ProcessDecision(Base):
    """A DMN decision a version's business rule tasks call, with the file that defines it.

    The built spec already carries the decision table, so running cases never read this;
    it is what the modeler shows and edits, and what later models reuse by decision id.
    """

    __tablename__ = "process_decision"
    __table_args__ = (UniqueConstraint("version_id", "decision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("process_version.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[str] = mapped_column(String(128), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    dmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    version: Mapped[ProcessVersion] = relationship(back_populates="decisions")
