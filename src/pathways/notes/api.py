"""Routes for notes and attachments: list and write them on a case, download one."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Header, UploadFile
from fastapi.responses import Response
from starlette.datastructures import UploadFile as ReceivedFile

from pathways.edge.caller import CallDep
from pathways.edge.params import RowId, RowIdQuery
from pathways.edge.problems import MEDIA_TYPE
from pathways.errors import PayloadTooLarge
from pathways.notes import service as notes
from pathways.notes import sniffing
from pathways.notes.schemas import AttachmentOut, NoteCreate, NoteOut
from pathways.settings import Settings

router = APIRouter(tags=["notes"])
_PROBLEM = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
UPLOAD_ANSWERS: dict[int | str, dict[str, Any]] = {
    415: {"description": "The file is none of the accepted types", "content": _PROBLEM},
}
DOWNLOAD_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment",
        "content": {kind.media_type: {} for kind in sniffing.ACCEPTED},
    },
    503: {"description": "The file is not in the attachments folder", "content": _PROBLEM},
}
Purpose = Annotated[
    str, Header(alias="X-Purpose", max_length=200, description="why client data is read")
]


@router.get("/api/instances/{instance_id}/notes")
def list_notes(
    instance_id: RowId,
    call: CallDep,
    task_id: RowIdQuery = None,
    purpose: Purpose = "case handling",
) -> list[NoteOut]:
    """The case's notes the caller may see (one step's with `task_id`); a logged read."""
    with call.begin() as tx:
        found = notes.shelf(
            tx.session, instance_id=instance_id, actor=tx.actor, purpose=purpose, task_id=task_id
        )
        return [NoteOut.of(note) for note in found.notes]


@router.post("/api/instances/{instance_id}/notes", status_code=201)
def add_note(instance_id: RowId, body: NoteCreate, call: CallDep) -> NoteOut:
    """Write a note. Notes never change: a correction is a new note naming the old one."""
    with call.begin() as tx:
        note = notes.add_note(
            tx.session,
            instance_id=instance_id,
            new=notes.NewNote(body.text, body.audience, body.task_id, body.corrects),
            actor=tx.actor,
        )
        return NoteOut.of(note)


@router.get("/api/instances/{instance_id}/attachments")
def list_attachments(
    instance_id: RowId,
    call: CallDep,
    task_id: RowIdQuery = None,
    purpose: Purpose = "case handling",
) -> list[AttachmentOut]:
    """The case's attachments the caller may see, without their bytes; a logged read."""
    with call.begin() as tx:
        found = notes.shelf(
            tx.session, instance_id=instance_id, actor=tx.actor, purpose=purpose, task_id=task_id
        )
        return [AttachmentOut.of(attachment) for attachment in found.attachments]


@router.post("/api/instances/{instance_id}/attachments", status_code=201, responses=UPLOAD_ANSWERS)
def add_attachment(
    instance_id: RowId,
    call: CallDep,
    file: Annotated[UploadFile, File(description="PDF, PNG, JPEG, docx, xlsx, odt or ods")],
    audience: Annotated[list[str] | None, Form(max_length=10)] = None,
    task_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> AttachmentOut:
    """Upload a file (multipart). Its type is judged from its bytes; the size is capped."""
    with call.begin() as tx:
        upload = notes.Upload(
            filename=file.filename or "",
            content=read_upload(file, tx.settings),
            audience=audience or [],
            task_id=task_id,
        )
        attachment = notes.attach(
            tx.session, instance_id=instance_id, upload=upload, actor=tx.actor, settings=tx.settings
        )
        return AttachmentOut.of(attachment)


@router.get(
    "/api/attachments/{attachment_id}",
    response_class=Response,
    responses=DOWNLOAD_ANSWERS,
)
def download(attachment_id: RowId, call: CallDep, purpose: Purpose = "case handling") -> Response:
    """The file, always as a download (never shown inline); a logged read."""
    with call.begin() as tx:
        attachment, content = notes.download(
            tx.session,
            attachment_id=attachment_id,
            actor=tx.actor,
            purpose=purpose,
            settings=tx.settings,
        )
        return file_response(attachment.filename, attachment.media_type, content)


def read_upload(file: ReceivedFile, settings: Settings) -> bytes:
    """At most the limit's worth of bytes, and a refusal past it (never the whole stream)."""
    limit = settings.attachments.max_bytes
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLarge(f"an attachment is at most {limit} bytes")
    return content


def file_response(filename: str, media_type: str, content: bytes) -> Response:
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "no-store",
        },
    )
