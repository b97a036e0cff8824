"""Routes to move running cases of a pathway version to another version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pathways.cases import migration
from pathways.edge.caller import CallDep
from pathways.edge.params import MAX_ID, RowId
from pathways.errors import Text
from pathways.web.i18n import request_gettext

router = APIRouter(prefix="/api/models", tags=["migration"])


class CaseMoveOut(BaseModel):
    instance_id: int
    client: str
    waiting_at: list[str]
    movable: bool
    reason: str | None = Field(description="why it cannot move, in English")
    reason_text: str | None = Field(description="the same in the caller's language")


class MigrationIn(BaseModel):
    to: int = Field(ge=1, le=MAX_ID, description="the version the cases move to")
    cases: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=500)


class MovedOut(BaseModel):
    instance_id: int
    version: int


@router.get("/{key}/versions/{number}/migration")
def preview(
    key: str, number: RowId, call: CallDep, to: Annotated[int, Query(ge=1, le=MAX_ID)]
) -> list[CaseMoveOut]:
    """Each running case of the version: can it move to version `to`, and if not, why."""
    with call.begin() as tx:
        moves = migration.preview(
            tx.session, key=key, number=number, to=to, actor=tx.actor, settings=tx.settings
        )
        translate = request_gettext(call.request)
        return [
            CaseMoveOut(
                instance_id=m.instance_id,
                client=m.client,
                waiting_at=list(m.waiting_at),
                movable=m.movable,
                reason=None if m.reason is None else str(m.reason),
                reason_text=_said(m.reason, translate),
            )
            for m in moves
        ]


def _said(reason: str | Text | None, translate: Callable[[str], str]) -> str | None:
    if isinstance(reason, Text):
        return reason.render(translate)
    return reason


@router.post(
    "/{key}/versions/{number}/migration",
    responses={409: {"description": "a chosen case cannot move; none was moved"}},
)
def migrate(key: str, number: RowId, body: MigrationIn, call: CallDep) -> list[MovedOut]:
    """Move the chosen cases (all or none); the cases not chosen stay on their version."""
    with call.begin() as tx:
        moved = migration.migrate(
            tx.session,
            key=key,
            number=number,
            to=body.to,
            instance_ids=body.cases,
            actor=tx.actor,
            settings=tx.settings,
        )
        return [MovedOut(instance_id=i.id, version=i.version.number) for i in moved]
