"""The record on the case page: what each step recorded, and the client's consents.

The case page adds `case_section(...)` to its context and includes
`record/case.html`; consents are recorded and withdrawn by posting its forms here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from pathways import clock
from pathways.cases.models import ProcessInstance
from pathways.cases.progress import lock_instance
from pathways.edge.caller import Tx
from pathways.edge.params import RowId
from pathways.errors import Conflict, InvalidData, NotFound, NotPermitted
from pathways.record import consents, notes, visibility
from pathways.record import service as record
from pathways.tasks.models import Task
from pathways.web.caller import PageCallDep

router = APIRouter(include_in_schema=False)
PURPOSE = "case_view"


def case_section(tx: Tx, instance: ProcessInstance, tasks: list[Task]) -> dict[str, Any]:
    """The readable record of the steps the caller sees, the consents, and the consent form."""
    seen = {t.id for t in tasks}
    entries = [e for e in record.entries_of(tx.session, instance.id) if e.task_id in seen]
    try:
        consents.require_consent_keeper(tx.actor, instance)
        may_keep = True
    except NotPermitted:
        may_keep = False
    outside = [k for k in instance.team if k in consents.OUTSIDE_TEAM]
    return {
        "record_entries": record.readable(
            tx.session, actor=tx.actor, instance=instance, purpose=PURPOSE, entries=entries
        ),
        "consents": record.consents_of(tx.session, instance.id),
        "notes": notes.readable(tx.session, instance=instance, actor=tx.actor, purpose=PURPOSE),
        "may_write_note": tx.actor.user is not None and visibility.reader_of(tx.actor) is not None,
        "may_keep_consent": may_keep,
        "consent_kinds": outside or list(consents.OUTSIDE_TEAM),
        "today": clock.now().date().isoformat(),
    }


@router.post("/cases/{case_id}/consents")
def give_consent(case_id: RowId, call: PageCallDep) -> Response:
    kinds = [k for k in call.form.getlist("kinds") if isinstance(k, str)][:10]
    try:
        with call.begin() as tx:
            consents.give(
                tx.session,
                instance=lock_instance(tx.session, case_id),
                kinds=kinds,
                steps=[],
                given_on=_day(call.field("given_on")),
                method=call.field("method"),
                actor=tx.actor,
            )
    except InvalidData:
        return RedirectResponse(f"/cases/{case_id}?consent=invalid#consents", status_code=303)
    return RedirectResponse(f"/cases/{case_id}?consent=given#consents", status_code=303)


@router.post("/cases/{case_id}/consents/{consent_id}/withdraw")
def withdraw_consent(case_id: RowId, consent_id: RowId, call: PageCallDep) -> Response:
    try:
        with call.begin() as tx:
            consents.withdraw(
                tx.session,
                instance=lock_instance(tx.session, case_id),
                consent_id=consent_id,
                withdrawn_on=clock.now().date(),
                actor=tx.actor,
            )
    except (Conflict, NotFound):
        return RedirectResponse(f"/cases/{case_id}?consent=invalid#consents", status_code=303)
    return RedirectResponse(f"/cases/{case_id}?consent=withdrawn#consents", status_code=303)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidData("the day consent was given is a date") from None


@router.post("/cases/{case_id}/notes")
def write_note(case_id: RowId, call: PageCallDep) -> Response:
    share = [k for k in call.form.getlist("share") if isinstance(k, str)][:8]
    try:
        with call.begin() as tx:
            notes.write(
                tx.session,
                instance=lock_instance(tx.session, case_id),
                text=call.raw_field("text")[: notes.MAX_TEXT + 1],
                share=share,
                actor=tx.actor,
            )
    except InvalidData:
        return RedirectResponse(f"/cases/{case_id}?consent=note-invalid#notes", status_code=303)
    return RedirectResponse(f"/cases/{case_id}#notes", status_code=303)
