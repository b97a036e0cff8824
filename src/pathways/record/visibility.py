"""Who may read which field of the record, and which steps of a case.

The rule, in one place for the API, the pages and the CLI:
- the recording organisation reads everything it recorded;
- another organisation reads a field when its kind is in the field's `x-share`, it is
  the case team's member of that kind, and, for the kinds that need consent (third
  sector, education provider, Kela), the client's consent in force covers its kind and
  the step;
- without such consent, an organisation of those kinds sees only its own steps of a
  case and their history;
- the operator (the command line without --as) reads everything; administrators manage
  people and read the audit log, not client records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pathways.cases.models import ProcessInstance
from pathways.organisation_kinds import NEEDS_CONSENT
from pathways.people.actors import Actor
from pathways.people.models import Role
from pathways.record.models import Consent, RecordEntry
from pathways.record.sharing import shared_kinds
from pathways.tasks.models import Task


@dataclass(frozen=True)
class Reader:
    """An organisation reading the record (`everything` for the operator)."""

    organisation_id: int | None
    kind: str | None
    code: str | None
    everything: bool = False

    @property
    def statutory(self) -> bool:
        return self.everything or self.kind not in NEEDS_CONSENT


def reader_of(actor: Actor) -> Reader | None:
    """The organisation the actor reads for; None if they read no client record."""
    if actor.is_operator:
        return Reader(None, None, None, everything=True)
    user = actor.user
    assert user is not None
    if not (actor.has_role(Role.CASEWORKER) or actor.has_role(Role.MANAGER)):
        return None
    organisation = user.organisation
    return Reader(organisation.id, organisation.kind, organisation.code)


def may_read_field(
    reader: Reader,
    entry: RecordEntry,
    schema: dict[str, Any] | None,
    field: str,
    instance: ProcessInstance,
    consents: Sequence[Consent],
) -> bool:
    if reader.everything or entry.organisation_id == reader.organisation_id:
        return True
    if reader.kind is None or instance.team.get(reader.kind) != reader.code:
        return False
    if reader.kind not in shared_kinds(schema, field):
        return False
    return reader.kind not in NEEDS_CONSENT or any(
        c.covers(reader.kind, entry.step) for c in consents
    )


def consented(reader: Reader, consents: Iterable[Consent]) -> Consent | None:
    """The consent in force that lets the reader's kind see the case, if any."""
    if reader.kind is None:
        return None
    return next((c for c in consents if c.covers(reader.kind)), None)


def visible_tasks(
    reader: Reader | None, tasks: Sequence[Task], consents: Sequence[Consent]
) -> Sequence[Task]:
    """The steps of a case the reader sees; `tasks` itself when they see every step."""
    if reader is None or reader.statutory:
        return tasks
    consent = consented(reader, consents)
    if consent is not None and not consent.steps:
        return tasks
    return [
        t
        for t in tasks
        if t.organisation_id == reader.organisation_id
        or (consent is not None and (not consent.steps or t.bpmn_id in consent.steps))
    ]
