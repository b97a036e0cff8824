"""Notes and attachments as the API shows them: flat objects."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from pathways.notes.models import Attachment, Note
from pathways.notes.service import MAX_NOTE_CHARS


class NoteCreate(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)
    audience: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="who else may read it: 'team' and/or organisation kinds (e.g. kela);"
        " the author's organisation always may",
    )
    task_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="the step it is on")
    corrects: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="the earlier note this one corrects"
    )


class NoteOut(BaseModel):
    id: int
    instance_id: int
    task_id: int | None
    author: str
    author_name: str
    organisation: str
    audience: list[str]
    text: str
    corrects: int | None
    created_at: datetime

    @classmethod
    def of(cls, note: Note) -> NoteOut:
        return cls(
            id=note.id,
            instance_id=note.instance_id,
            task_id=note.task_id,
            author=note.author.login,
            author_name=note.author.name,
            organisation=note.organisation.code,
            audience=note.audience,
            text=note.text,
            corrects=note.corrects_id,
            created_at=note.created_at,
        )


class AttachmentOut(BaseModel):
    id: int
    instance_id: int
    task_id: int | None
    filename: str
    media_type: str
    size: int
    sha256: str
    author: str
    organisation: str
    audience: list[str]
    created_at: datetime
    download: str

    @classmethod
    def of(cls, attachment: Attachment) -> AttachmentOut:
        return cls(
            id=attachment.id,
            instance_id=attachment.instance_id,
            task_id=attachment.task_id,
            filename=attachment.filename,
            media_type=attachment.media_type,
            size=attachment.size,
            sha256=attachment.sha256,
            author=attachment.author.login,
            organisation=attachment.organisation.code,
            audience=attachment.audience,
            created_at=attachment.created_at,
            download=f"/api/attachments/{attachment.id}",
        )
