"""Routes for cases: start one, read it, deliver a message to it, cancel it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header

from pathways.cases import moves
from pathways.cases import service as cases
from pathways.cases.schemas import (
    CaseOut,
    InstanceCreate,
    InstanceOut,
    MessageDelivered,
    TimelineEntryOut,
    split_message_body,
)
from pathways.deadlines.service import timers_of
from pathways.edge.caller import CallDep, Tx
from pathways.edge.idempotent import run_once
from pathways.edge.params import RowId
from pathways.tasks.schemas import TaskOut

router = APIRouter(prefix="/api/instances", tags=["cases"])
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", description="retries return the first answer")
]
Purpose = Annotated[
    str, Header(alias="X-Purpose", max_length=200, description="why client data is read")
]


@router.post("", status_code=201, response_model=InstanceOut)
def start_case(body: InstanceCreate, call: CallDep, key: IdempotencyKey = None) -> Any:
    """Start a pathway for a client; the answer lists the case's first open tasks."""

    def work(tx: Tx) -> tuple[int, InstanceOut]:
        instance = cases.start(
            tx.session,
            model=body.model,
            client=cases.NewClient(**body.client.model_dump()),
            data=body.data,
            team=body.team,
            duplicate_confirmed=body.duplicate == "confirmed",
            actor=tx.actor,
            settings=tx.settings,
        )
        tx.session.flush()
        opened = cases.open_tasks(tx.session, instance.id)
        return 201, InstanceOut.of(instance, list(opened), list(timers_of(tx.session, instance.id)))

    return run_once(
        call, key=key, route="POST /api/instances", request=body.model_dump(), work=work
    )


@router.get("/{instance_id}")
def read_case(instance_id: RowId, call: CallDep, purpose: Purpose = "case handling") -> CaseOut:
    """The case, its tasks, timers and timeline. Reading it is logged with its purpose."""
    with call.begin() as tx:
        view = cases.show(tx.session, instance_id=instance_id, actor=tx.actor, purpose=purpose)
        shown = InstanceOut.of(
            view.instance,
            list(view.tasks),
            list(view.timers),
            moved_to=moves.moved_to(tx.session, instance_id),
        )
        events = cases.timeline(tx.session, view)
        return CaseOut(
            **shown.model_dump(), timeline=[TimelineEntryOut.model_validate(e) for e in events]
        )


@router.post("/{instance_id}/messages/{name}")
def deliver_message(
    instance_id: RowId,
    name: str,
    call: CallDep,
    payload: Annotated[dict[str, Any], Body(default_factory=dict)],
) -> MessageDelivered:
    """Deliver a BPMN message (e.g. registered_as_jobseeker) with a JSON payload.

    The body is the payload itself, or `{"correlation": {property: value}, "payload": {...}}`
    for a message with correlation properties (values not given are read from the payload).
    """
    correlation, payload = split_message_body(payload)
    with call.begin() as tx:
        opened = cases.deliver_message(
            tx.session,
            instance_id=instance_id,
            name=name,
            payload=payload,
            correlation=correlation,
            actor=tx.actor,
            settings=tx.settings,
        )
        return MessageDelivered(
            instance_id=instance_id,
            message=name,
            opened=[TaskOut.of(t) for t in opened],
            moved_to=moves.moved_to(tx.session, instance_id),
        )


@router.post("/{instance_id}/cancel")
def cancel_case(instance_id: RowId, call: CallDep) -> InstanceOut:
    with call.begin() as tx:
        instance = cases.cancel(
            tx.session, instance_id=instance_id, actor=tx.actor, settings=tx.settings
        )
        tx.session.flush()
        return InstanceOut.of(
            instance,
            list(cases.tasks_of(tx.session, instance_id)),
            list(timers_of(tx.session, instance_id)),
        )
