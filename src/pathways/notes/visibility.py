"""Who may see a note or an attachment: the one rule, in one function.

Everything that answers notes or attachments (lists, pages, downloads) asks
`may_see` after the case-level check (`permissions.require_case_reader`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from pathways.errors import InvalidData
from pathways.organisation_kinds import TEAM_KINDS, OrganisationKind
from pathways.people.actors import Actor
from pathways.people.models import Role

TEAM = "team"  # the audience word for the statutory case team's three kinds
_KINDS = {kind.value for kind in OrganisationKind}


class Shared(Protocol):
    """What the rule reads of a note or an attachment."""

    organisation_id: int
    audience: list[str]
    task_id: int | None


def audience_of(chosen: Iterable[str]) -> list[str]:
    """The kinds an author chose, with "team" spelled out; unknown words are refused."""
    kinds: set[str] = set()
    for word in chosen:
        if word == TEAM:
            kinds.update(TEAM_KINDS)
        elif word in _KINDS:
            kinds.add(word)
        else:
            raise InvalidData("an audience is 'team' or organisation kinds such as kela")
    return sorted(kinds)


def may_see(
    actor: Actor,
    item: Shared,
    *,
    team: Mapping[str, str],
    task_organisations: Mapping[int, int | None],
) -> bool:
    """Whether `actor` may see `item` on a case served by `team` (kind -> organisation code).

    - The author's organisation always sees it.
    - Otherwise the reader's organisation must serve the case and its kind be in the
      item's audience. Caseworkers and managers read notes; an administrator's role
      gives no access to their content (need to know).
    - Organisations outside the statutory team (any kind but municipality, wellbeing
      services county and employment area: third sector, education provider, Kela, the
      ELY Centre) see an item only when it is on their own task and shared with their
      kind. `task_organisations` maps the case's task ids to their organisations.
    - The local operator (command line, no user) sees everything.

    The client's consent for sharing outside the statutory team (the record slice) is
    to be checked here too, once it is recorded on the case: an outside organisation
    would then also need consent covering its kind, and lose access on withdrawal.
    Keep this the only place that decides, so that check is added once.
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
    if kind in TEAM_KINDS:
        return True
    return item.task_id is not None and task_organisations.get(item.task_id) == user.organisation_id
