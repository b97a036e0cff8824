"""Notes and attachments on the case and task pages: the panel, and its two forms.

The case and task pages add `panel(...)` to their context and include
`notes/panel.html`; the forms post here and come back to the page they were sent from.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from pathways.edge.caller import Tx
from pathways.edge.params import RowId
from pathways.errors import (
    InvalidData,
    NotFound,
    PathwaysError,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from pathways.notes import service as notes
from pathways.notes.api import read_upload
from pathways.notes.sniffing import MisleadingName
from pathways.notes.visibility import TEAM
from pathways.organisation_kinds import TEAM_KINDS, OrganisationKind
from pathways.people.models import Role
from pathways.web.caller import PageCall, PageCallDep, local_path
from pathways.web.i18n import _, format_number
from pathways.web.templating import render

router = APIRouter(include_in_schema=False)


def kind_names() -> dict[str, str]:
    """Organisation kinds in the page's language."""
    return {
        TEAM: _("Case team (municipality, wellbeing services county, employment area)"),
        OrganisationKind.MUNICIPALITY: _("Municipality"),
        OrganisationKind.WELLBEING_COUNTY: _("Wellbeing services county"),
        OrganisationKind.EMPLOYMENT_AREA: _("Employment area"),
        OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE: _("Economic Development Centre"),
        OrganisationKind.KELA: _("Kela"),
        OrganisationKind.EDUCATION_PROVIDER: _("Education provider"),
        OrganisationKind.THIRD_SECTOR: _("Third sector"),
    }


def size_text(size: int) -> str:
    """A file size as people read it: whole MiB from 1 MiB up, else kB (never 0)."""
    if size >= 1024 * 1024:
        return f"{format_number(round(size / (1024 * 1024), 1))} MiB"
    return f"{format_number(max(1, round(size / 1024)))} kB"


def panel(
    tx: Tx, *, instance_id: int, team: dict[str, str], purpose: str, task_id: int | None = None
) -> dict[str, Any]:
    """What `notes/panel.html` shows: the visible notes and files, and the audiences."""
    found = notes.shelf(
        tx.session, instance_id=instance_id, actor=tx.actor, purpose=purpose, task_id=task_id
    )
    own_kind = tx.actor.user.organisation.kind if tx.actor.user else None
    others = [k for k in team if k not in TEAM_KINDS and k != own_kind]
    return {
        "notes_panel": {
            "instance_id": instance_id,
            "task_id": task_id,
            "notes": found.notes,
            "attachments": found.attachments,
            "by_id": {note.id: note for note in found.notes},
            "step_names": {} if task_id else notes.step_names(tx.session, instance_id),
            "may_write": tx.actor.has_role(Role.CASEWORKER) or tx.actor.has_role(Role.MANAGER),
            "audiences": [TEAM, *sorted(others)],
            "kind_names": kind_names(),
            "size_text": size_text,
            "max_size": size_text(tx.settings.attachments.max_bytes),
        }
    }


@router.post("/cases/{case_id}/notes")
def add_note(request: Request, case_id: RowId, call: PageCallDep) -> Response:
    back = _back(call, case_id)
    try:
        with call.begin() as tx:
            notes.add_note(
                tx.session,
                instance_id=case_id,
                new=notes.NewNote(
                    text=call.raw_field("text")[: notes.MAX_NOTE_CHARS + 1],
                    audience=_audience(call),
                    task_id=_task_id(call),
                    corrects_id=_int(call.field("corrects")),
                ),
                actor=tx.actor,
            )
    except (InvalidData, NotFound) as error:
        return _refused(request, call, error, back)
    return RedirectResponse(f"{back}#notes", status_code=303)


@router.post("/cases/{case_id}/attachments")
def add_attachment(request: Request, case_id: RowId, call: PageCallDep) -> Response:
    back = _back(call, case_id)
    file = call.form.get("file")
    try:
        with call.begin() as tx:
            if not isinstance(file, UploadFile) or not file.filename:
                raise InvalidData("choose a file")
            upload = notes.Upload(
                filename=file.filename,
                content=read_upload(file, tx.settings),
                audience=_audience(call),
                task_id=_task_id(call),
            )
            notes.attach(
                tx.session, instance_id=case_id, upload=upload, actor=tx.actor, settings=tx.settings
            )
    except (InvalidData, NotFound, PayloadTooLarge, UnsupportedMediaType) as error:
        return _refused(request, call, error, back)
    return RedirectResponse(f"{back}#notes", status_code=303)


def _back(call: PageCall, case_id: int) -> str:
    return local_path(call.field("next"), f"/cases/{case_id}").partition("#")[0]


def _audience(call: PageCall) -> list[str]:
    return [value for value in call.form.getlist("audience") if isinstance(value, str)][:10]


def _task_id(call: PageCall) -> int | None:
    return _int(call.field("task_id"))


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


def _refused(request: Request, call: PageCall, error: PathwaysError, back: str) -> Response:
    """The reason in the page's language, and the way back; what was sent is not echoed."""
    if isinstance(error, NotFound):
        raise error
    if isinstance(error, PayloadTooLarge):
        reason = _("The file is too large.")
    elif isinstance(error, UnsupportedMediaType):
        reason = _(
            "Only PDF files, PNG and JPEG images and docx, xlsx, odt and ods documents"
            " can be attached."
        )
    elif isinstance(error, MisleadingName):
        reason = _("The file's name does not match its content: check its extension.")
    else:
        reason = _("Write the note (at most 4000 characters) or choose a file, then send again.")
    with call.begin() as tx:
        context = {**call.layout(tx), "reason": reason, "back": back}
        return render(request, "notes/refused.html", context, status=error.status)
