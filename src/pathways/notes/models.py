"""Notes and attachments: written once, never changed; who may see them is in `audience`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db.base import Base, JSONValue, UTCDateTime
from pathways.people.models import Organisation, User


class Note(Base):
    """A caseworker's note on a case, or on one step (`task_id`) of it."""

    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # Organisation kinds that may read it besides the author's organisation.
    audience: Mapped[list[str]] = mapped_column(JSONValue)
    text: Mapped[str] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("note.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    author: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()


class Attachment(Base):
    """A file on a case or step; its bytes are in the attachments folder under `sha256`."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    audience: Mapped[list[str]] = mapped_column(JSONValue)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    author: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()
