"""A client moved to another municipality: the case ends here and opens there.

In a pathway with an event subprocess that `moved_away` starts, that message, with
`{"municipality": CODE, "moved_on": "YYYY-MM-DD", "reference": REF}` (only `municipality`
required), ends the case in the old municipality and starts the same pathway for the
client in the new one, in the same transaction. The new case carries the fields of the
record that its municipality may read by the forms' `x-share` (`team` or `municipality`)
as its start data, and names the old case in `moved_from_id`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import clock
from pathways.audit import service as audit
from pathways.cases import search
from pathways.cases.models import Client, ProcessInstance
from pathways.cases.opening import open_case
from pathways.errors import Conflict, DuplicateCase, InvalidData, NotFound
from pathways.organisation_kinds import OrganisationKind
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.record import service as record
from pathways.settings import Settings

MOVED_AWAY = "moved_away"
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_FIELDS = {"municipality", "moved_on", "reference"}


@dataclass(frozen=True)
class Move:
    municipality: str
    moved_on: date | None = None
    reference: str | None = None  # the client's reference there; the same one otherwise


def read_move(payload: dict[str, Any]) -> Move:
    """The move a `moved_away` payload describes, or `InvalidData` saying what is wrong."""
    unknown = sorted(set(payload) - _FIELDS)
    if unknown:
        raise InvalidData(
            f"a move names only municipality, moved_on and reference, not {unknown[0]}"
        )
    municipality = payload.get("municipality")
    if not isinstance(municipality, str) or not municipality:
        raise InvalidData('a move names the new municipality by its code: {"municipality": CODE}')
    reference = payload.get("reference")
    if reference is not None and not (
        isinstance(reference, str) and _REFERENCE.fullmatch(reference)
    ):
        raise InvalidData("a client reference is 1-64 letters, digits, '.', '_' or '-'")
    return Move(municipality, _moved_on(payload.get("moved_on")), reference)


def _moved_on(value: Any) -> date | None:
    if value is None:
        return None
    try:
        moved_on = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moved_on = None
    if moved_on is None:
        raise InvalidData("moved_on is a date, YYYY-MM-DD")
    return moved_on


def check_destination(session: Session, instance: ProcessInstance, move: Move) -> None:
    """The new municipality is a municipality organisation other than the client's own."""
    if move.municipality == instance.client.municipality:
        raise InvalidData("the client already lives in that municipality: a move names another")
    try:
        organisation = people.get_organisation(session, move.municipality)
    except NotFound:
        raise InvalidData(f"no municipality {move.municipality}") from None
    if organisation.kind != OrganisationKind.MUNICIPALITY:
        raise InvalidData(f"{move.municipality} is not a municipality")


def open_in_new_municipality(
    session: Session, *, old: ProcessInstance, move: Move, actor: Actor, settings: Settings
) -> ProcessInstance:
    """Start the old case's pathway for the client in the new municipality's team."""
    version = processes.deployed_version(session, old.version.model.key)
    team = people.build_team(session, municipality=move.municipality, kinds=version.kinds, named={})
    client = _client_there(session, old.client, move)
    if client.id is not None and search.running_of(
        session, client_id=client.id, model_key=version.model.key
    ):
        raise DuplicateCase("a case of this pathway already runs for the client there")
    data = record.shared_with_kind(session, instance=old, kind=OrganisationKind.MUNICIPALITY)
    new = open_case(
        session,
        version=version,
        client=client,
        team=team,
        data=data,
        actor=actor,
        settings=settings,
        moved_from_id=old.id,
    )
    _audit(session, actor=actor, old=old, new=new, move=move, carried=sorted(data))
    return new


def _client_there(session: Session, client: Client, move: Move) -> Client:
    """The client's row in the new municipality, created with the same languages.

    References are each municipality's own: an existing client there is taken only when
    the move names its reference, never because the old reference happens to match.
    """
    reference = move.reference or client.reference
    there = session.scalar(
        select(Client).where(
            Client.municipality == move.municipality, Client.reference == reference
        )
    )
    if there is not None and move.reference is None:
        raise Conflict(
            "the new municipality already has a client of this reference:"
            " name the client's reference there in the move (reference)"
        )
    if there is None:
        there = Client(
            reference=reference,
            municipality=move.municipality,
            contact_language=client.contact_language,
            integration_language=client.integration_language,
            created_at=clock.now(),
        )
        session.add(there)
    return there


def _audit(
    session: Session,
    *,
    actor: Actor,
    old: ProcessInstance,
    new: ProcessInstance,
    move: Move,
    carried: list[str],
) -> None:
    """Both cases' timelines say where the case went: municipality codes and case ids."""
    moved = {
        "from_case": old.id,
        "to_case": new.id,
        "from": old.client.municipality,
        "to": move.municipality,
        "moved_on": move.moved_on.isoformat() if move.moved_on else None,
    }
    audit.record(
        session, actor=actor.login, action="case.moved_away", instance_id=old.id, details=moved
    )
    audit.record(
        session,
        actor=actor.login,
        action="case.started",
        instance_id=new.id,
        details={
            "model": new.version.model.key,
            "version": new.version.number,
            "client": new.client.reference,
            "moved_from": old.id,
            "carried_over": carried,
        },
    )


def moved_to(session: Session, instance_id: int) -> int | None:
    """The case opened in the new municipality when this one's client moved, if any."""
    return session.scalar(
        select(ProcessInstance.id).where(ProcessInstance.moved_from_id == instance_id)
    )
