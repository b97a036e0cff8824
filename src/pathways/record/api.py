"""Routes for the record: a case's readable record, consents, corrections of a step."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from pathways import clock
from pathways.cases import service as cases
from pathways.cases.progress import lock_instance
from pathways.edge.caller import CallDep
from pathways.edge.params import RowId
from pathways.people import permissions
from pathways.record import consents
from pathways.record import service as record
from pathways.record.corrections import correct
from pathways.record.reopening import reopen
from pathways.record.schemas import (
    ConsentIn,
    ConsentOut,
    CorrectionIn,
    EntryOut,
    ReopenIn,
    ReopeningOut,
    WithdrawIn,
)
from pathways.tasks import service as tasks

router = APIRouter(tags=["record"])
Purpose = Annotated[
    str, Header(alias="X-Purpose", max_length=200, description="why client data is read")
]


@router.get("/api/instances/{instance_id}/record")
def read_record(
    instance_id: RowId, call: CallDep, purpose: Purpose = "case_view"
) -> list[EntryOut]:
    """Every step's recorded answers the caller may read, field by field (a logged read)."""
    with call.begin() as tx:
        view = cases.show(tx.session, instance_id=instance_id, actor=tx.actor, purpose=purpose)
        seen = {t.id for t in view.tasks}
        entries = [e for e in record.entries_of(tx.session, instance_id) if e.task_id in seen]
        shown = record.readable(
            tx.session, actor=tx.actor, instance=view.instance, purpose=purpose, entries=entries
        )
        return [EntryOut.of(e) for e in shown]


@router.get("/api/instances/{instance_id}/consents")
def list_consents(instance_id: RowId, call: CallDep) -> list[ConsentOut]:
    with call.begin() as tx:
        instance = cases.get(tx.session, instance_id)
        permissions.require_case_reader(tx.actor, instance)
        return [ConsentOut.of(c) for c in record.consents_of(tx.session, instance_id)]


@router.post("/api/instances/{instance_id}/consents", status_code=201)
def give_consent(instance_id: RowId, body: ConsentIn, call: CallDep) -> ConsentOut:
    """Record the client's consent to share with organisations outside the case team."""
    with call.begin() as tx:
        instance = lock_instance(tx.session, instance_id)
        consent = consents.give(
            tx.session,
            instance=instance,
            kinds=body.kinds,
            steps=body.steps,
            given_on=body.given_on,
            method=body.method.value,
            actor=tx.actor,
        )
        return ConsentOut.of(consent)


@router.post("/api/instances/{instance_id}/consents/{consent_id}/withdraw")
def withdraw_consent(
    instance_id: RowId, consent_id: RowId, call: CallDep, body: WithdrawIn | None = None
) -> ConsentOut:
    with call.begin() as tx:
        instance = lock_instance(tx.session, instance_id)
        consent = consents.withdraw(
            tx.session,
            instance=instance,
            consent_id=consent_id,
            withdrawn_on=(body.withdrawn_on if body else None) or clock.now().date(),
            actor=tx.actor,
        )
        return ConsentOut.of(consent)


@router.post(
    "/api/tasks/{task_id}/corrections",
    responses={409: {"description": "the case has moved past what depends on the answers"}},
)
def correct_step(task_id: RowId, body: CorrectionIn, call: CallDep) -> EntryOut:
    """Correct a completed step's answers with a reason; the earlier values are kept."""
    with call.begin() as tx:
        task = tasks.get(tx.session, task_id)
        instance = lock_instance(tx.session, task.instance_id)
        correct(
            tx.session,
            task=task,
            instance=instance,
            changes=body.changes,
            reason=body.reason,
            actor=tx.actor,
        )
        tx.session.flush()
        shown = record.answers_of(
            tx.session, actor=tx.actor, task=task, instance=instance, purpose="correction"
        )
        assert shown is not None  # the recording organisation reads its own entry
        return EntryOut.of(shown)


@router.post(
    "/api/tasks/{task_id}/reopen",
    responses={409: {"description": "the step cannot be reopened now (the reason says why)"}},
)
def reopen_step(task_id: RowId, body: ReopenIn, call: CallDep) -> ReopeningOut:
    """A manager of the step's organisation sends the case back to a completed step that
    the model declares reopenable; the earlier answers are kept in the history."""
    with call.begin() as tx:
        task = tasks.get(tx.session, task_id)
        instance = lock_instance(tx.session, task.instance_id)
        done = reopen(
            tx.session,
            task=task,
            instance=instance,
            reason=body.reason,
            actor=tx.actor,
            settings=tx.settings,
        )
        return ReopeningOut(
            task_id=done.task_id,
            reopened_at=done.reopened_at,
            reopened_by=done.reopened_by,
            reason=done.reason,
        )
