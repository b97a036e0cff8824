"""The client's consent to share the case outside the statutory team: record, withdraw."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from pathways import clock
from pathways.audit import service as audit
from pathways.cases.models import ProcessInstance
from pathways.errors import Conflict, InvalidData, NotFound, NotPermitted
from pathways.organisation_kinds import CONSENT_KINDS, TEAM_KINDS
from pathways.people.actors import Actor
from pathways.people.models import Role
from pathways.record.models import Consent, ConsentMethod

# Consent is asked for the kinds the statutory team may not share with on its own.
OUTSIDE_TEAM = tuple(k.value for k in CONSENT_KINDS)
_MAX_STEPS = 50


def require_consent_keeper(actor: Actor, instance: ProcessInstance) -> None:
    """A caseworker or manager of the statutory team records and withdraws consents."""
    if actor.is_operator:
        return
    user = actor.user
    assert user is not None
    works = actor.has_role(Role.CASEWORKER) or actor.has_role(Role.MANAGER)
    kind = user.organisation.kind
    if works and kind in TEAM_KINDS and instance.team.get(kind) == user.organisation.code:
        return
    raise NotPermitted("only the case team (municipality, county, employment area) records consent")


def give(
    session: Session,
    *,
    instance: ProcessInstance,
    kinds: Sequence[str],
    steps: Sequence[str],
    given_on: date,
    method: str,
    actor: Actor,
) -> Consent:
    require_consent_keeper(actor, instance)
    _check(kinds, steps, given_on, method)
    consent = Consent(
        instance_id=instance.id,
        kinds=sorted(set(kinds)),
        steps=sorted(set(steps)),
        given_on=given_on,
        method=method,
        recorded_by=actor.login,
        recorded_at=clock.now(),
    )
    session.add(consent)
    session.flush()
    audit.record(
        session,
        actor=actor.login,
        action="consent.given",
        instance_id=instance.id,
        details={"consent": consent.id, "kinds": consent.kinds, "steps": consent.steps},
    )
    return consent


def _check(kinds: Sequence[str], steps: Sequence[str], given_on: date, method: str) -> None:
    if not kinds:
        raise InvalidData("name at least one organisation kind the consent covers")
    wrong = [k for k in kinds if k not in OUTSIDE_TEAM]
    if wrong:
        raise InvalidData(f"consent is asked for these kinds only: {', '.join(OUTSIDE_TEAM)}")
    if len(steps) > _MAX_STEPS or any(not s or len(s) > 255 for s in steps):
        raise InvalidData("steps are up to 50 BPMN ids of the case's steps")
    if method not in {m.value for m in ConsentMethod}:
        raise InvalidData("how the consent was given: in_person, written or by_interpreter")
    if given_on > clock.now().date():
        raise InvalidData("consent cannot be given on a day still to come")


def withdraw(
    session: Session,
    *,
    instance: ProcessInstance,
    consent_id: int,
    withdrawn_on: date,
    actor: Actor,
) -> Consent:
    require_consent_keeper(actor, instance)
    consent = session.get(Consent, consent_id)
    if consent is None or consent.instance_id != instance.id:
        raise NotFound(f"no consent {consent_id} on case {instance.id}")
    if consent.withdrawn_at is not None:
        raise Conflict(f"consent {consent_id} was already withdrawn")
    if withdrawn_on > clock.now().date() or withdrawn_on < consent.given_on:
        raise InvalidData("a consent is withdrawn between the day it was given and today")
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_by = actor.login
    consent.withdrawn_at = clock.now()
    audit.record(
        session,
        actor=actor.login,
        action="consent.withdrawn",
        instance_id=instance.id,
        details={"consent": consent.id},
    )
    return consent
