"""Who may see a note or an attachment: the one rule, in one function.

Everything that answers notes or attachments (lists, pages, downloads) asks
`may_see` after the case-level check (`permissions.require_case_reader`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from pathways.errors import InvalidData
from pathways.organisation_kinds import NEEDS_CONSENT
from pathways.people.actors import Actor
from pathways.people.models import Role
from pathways.record import sharing
from pathways.record.models import Consent

TEAM = sharing.TEAM  # the audience word for the statutory case team's three kinds, as in x-share


class Shared(Protocol):
    """What the rule reads of a note or an attachment."""

    organisation_id: int
    audience: list[str]
    task_id: int | None


def audience_of(chosen: Iterable[str]) -> list[str]:
    """The kinds an author chose, with "team" spelled out; unknown words are refused."""
    words = list(chosen)
    if sharing.unknown_kind(words) is not None:
        raise InvalidData("an audience is 'team' or organisation kinds such as kela")
    return sorted(sharing.expand(words))


class Step(Protocol):
    """What the rule reads of a case's step: who does it and which BPMN step it is."""

    @property
    def organisation_id(self) -> int | None: ...

    @property
    def bpmn_id(self) -> str: ...


def may_see(
    actor: Actor,
    item: Shared,
    *,
    team: Mapping[str, str],
    steps: Mapping[int, Step],
    consents: Sequence[Consent],
) -> bool:
    """Whether `actor` may see `item` on a case served by `team` (kind -> organisation code).

    - The author's organisation always sees it.
    - Otherwise the reader's organisation must serve the case and its kind be in the
      item's audience. Caseworkers and managers read notes; an administrator's role
      gives no access to their content (need to know).
    - The kinds that need the client's consent to be shared with (third sector,
      education provider, Kela: as in the record) see an item on their own step without
      it, as they see the step itself; anything else only while a consent in force
      covers their kind (and the item's step, or every step for a note on the case).
      `steps` maps the case's task ids to their steps; `consents` are the case's.
    - The local operator (command line, no user) sees everything.
    """
    user = actor.user
    if user is None:
        return True
    if not (actor.has_role(Role.CASEWORKER) or actor.has_role(Role.MANAGER)):
        return False
    if user.organisation_id == item.organisation_id:
        return True
    kind = user.organisation.kind
    if team.get(kind) != user.organisation.code or kind not in item.audience:
        return False
    if kind not in NEEDS_CONSENT:
        return True
    step = steps.get(item.task_id) if item.task_id is not None else None
    if step is not None and step.organisation_id == user.organisation_id:
        return True
    if step is None:
        return any(c.covers(kind) and not c.steps for c in consents)
    return any(c.covers(kind, step.bpmn_id) for c in consents)
