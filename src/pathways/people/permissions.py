"""The rules of who may do what. Services call these; nothing else decides."""

from __future__ import annotations

from collections.abc import Mapping

from pathways.cases.models import ProcessInstance
from pathways.errors import NotPermitted
from pathways.people.actors import Actor
from pathways.people.models import Role, User
from pathways.tasks.models import Task


def require_designer(actor: Actor) -> None:
    if actor.is_operator or actor.has_role(Role.DESIGNER) or actor.has_role(Role.ADMIN):
        return
    raise NotPermitted("only process designers may deploy models")


def require_case_starter(actor: Actor) -> None:
    if actor.is_operator or actor.has_role(Role.CASEWORKER) or actor.has_role(Role.ADMIN):
        return
    raise NotPermitted("only caseworkers may start a pathway")


def require_caseworker_of(actor: Actor, organisation_id: int | None) -> User:
    """An active caseworker of this organisation; returns them."""
    user = actor.user
    if user is None:
        raise NotPermitted("a task is worked on by a caseworker (name one with --as)")
    if not user.active:
        raise NotPermitted(f"user '{user.login}' is deactivated")
    if not user.has_role(Role.CASEWORKER):
        raise NotPermitted(f"user '{user.login}' is not a caseworker")
    if organisation_id != user.organisation_id:
        raise NotPermitted(
            f"the task is in another organisation's queue, not {user.organisation.code}'s"
        )
    return user


def require_task_worker(actor: Actor, task: Task) -> User:
    """A caseworker of the task's organisation; once claimed, only its assignee."""
    user = require_caseworker_of(actor, task.organisation_id)
    if task.assignee_id is not None and task.assignee_id != user.id:
        raise NotPermitted("the task is claimed by another caseworker")
    return user


def require_task_releaser(actor: Actor, task: Task) -> None:
    """Its assignee (or a caseworker of its organisation), or a manager of its organisation."""
    user = actor.user
    if actor.is_operator or (
        user is not None
        and actor.has_role(Role.MANAGER)
        and task.organisation_id == user.organisation_id
    ):
        return
    require_task_worker(actor, task)


def require_task_assigner(actor: Actor, task: Task) -> None:
    """Managers of the task's organisation (or the operator) hand tasks to people."""
    if actor.is_operator:
        return
    user = actor.user
    assert user is not None
    if actor.has_role(Role.MANAGER) and task.organisation_id == user.organisation_id:
        return
    raise NotPermitted("only a manager of the task's organisation may assign it")


def require_case_reader(actor: Actor, instance: ProcessInstance) -> None:
    """The operator, admins, and caseworkers and managers of an organisation in the team."""
    if actor.is_operator or actor.has_role(Role.ADMIN):
        return
    user = actor.user
    assert user is not None
    works_on_cases = actor.has_role(Role.CASEWORKER) or actor.has_role(Role.MANAGER)
    if works_on_cases and user.organisation.code in instance.team.values():
        return
    raise NotPermitted("the case is not served by your organisation")


def task_scope(actor: Actor) -> int | None:
    """The organisation whose tasks the actor may see; None means every organisation."""
    if actor.is_operator or actor.has_role(Role.ADMIN):
        return None
    user = actor.user
    assert user is not None
    if user.active and (actor.has_role(Role.CASEWORKER) or actor.has_role(Role.MANAGER)):
        return user.organisation_id
    raise NotPermitted("only caseworkers and managers see task queues")


def require_task_reader(actor: Actor, task: Task) -> None:
    scope = task_scope(actor)
    if scope is not None and scope != task.organisation_id:
        raise NotPermitted("the task is in another organisation's queue")


def may_read_task(actor: Actor, task: Task) -> bool:
    """Whether reading the task would answer the actor: pages link only to tasks that open."""
    try:
        require_task_reader(actor, task)
    except NotPermitted:
        return False
    return True


def require_admin(actor: Actor) -> None:
    if actor.is_operator or actor.has_role(Role.ADMIN):
        return
    raise NotPermitted("only administrators may do this")


def require_case_canceller(actor: Actor, instance: ProcessInstance) -> None:
    """Admins, or a manager of an organisation that serves the case."""
    if actor.is_operator or actor.has_role(Role.ADMIN):
        return
    user = actor.user
    assert user is not None
    if actor.has_role(Role.MANAGER) and user.organisation.code in instance.team.values():
        return
    raise NotPermitted("only a manager of an organisation serving the case may cancel it")


def require_team_member(actor: Actor, team: dict[str, str]) -> None:
    """A caseworker starting or moving a case must work in one of its organisations."""
    if actor.is_operator or actor.has_role(Role.ADMIN):
        return
    user = actor.user
    assert user is not None
    if user.organisation.code not in team.values():
        raise NotPermitted("your organisation would not serve this case")


def require_named_team(
    actor: Actor, named: Mapping[str, str], *, serving: Mapping[str, bool]
) -> None:
    """A start's `team` names only the caller's own organisation or organisations that
    serve the client's municipality (`serving`: code → whether it covers it)."""
    if actor.is_operator or actor.has_role(Role.ADMIN):
        return
    user = actor.user
    assert user is not None
    for code in named.values():
        if code != user.organisation.code and not serving.get(code, False):
            raise NotPermitted(
                "a team names only your own organisation or ones that serve the client's"
                " municipality"
            )


def require_client_keeper(actor: Actor, *, serving: bool) -> None:
    """An existing client's details change only by an organisation that serves their
    municipality (`serving`: the caller's organisation covers it)."""
    if actor.is_operator or actor.has_role(Role.ADMIN) or serving:
        return
    raise NotPermitted("only an organisation serving the client's municipality changes the client")


def require_messenger(actor: Actor, instance: ProcessInstance) -> None:
    """Caseworkers of the case team (and admins) tell the case what happened outside."""
    if actor.is_operator or actor.has_role(Role.ADMIN):
        return
    require_case_starter(actor)
    require_team_member(actor, instance.team)


def dashboard_scope(actor: Actor) -> int | None:
    """The organisation whose figures a manager sees; None (all) for admins and the operator."""
    if actor.is_operator or actor.has_role(Role.ADMIN):
        return None
    if actor.has_role(Role.MANAGER):
        assert actor.user is not None
        return actor.user.organisation_id
    raise NotPermitted("only managers and administrators see the dashboards")


def require_dashboard_organisation(scope: int | None, organisation_id: int) -> None:
    """A manager who asks for another organisation's figures is refused, not shown nothing."""
    if scope is not None and scope != organisation_id:
        raise NotPermitted("managers see the figures of their own organisation only")


def require_reassigner(actor: Actor, organisation_id: int) -> User:
    """Only a manager of the organisation moves all of a caseworker's tasks at once."""
    user = actor.user
    if (
        user is not None
        and actor.has_role(Role.MANAGER)
        and user.organisation_id == organisation_id
    ):
        return user
    raise NotPermitted("only a manager of the caseworker's organisation may reassign their tasks")


def require_access_report_reader(actor: Actor, teams: list[dict[str, str]]) -> None:
    """Admins, and caseworkers and managers of an organisation that serves one of the
    client's cases, may tell a client who read their data."""
    if actor.is_operator or actor.has_role(Role.ADMIN):
        return
    user = actor.user
    works_on_cases = actor.has_role(Role.CASEWORKER) or actor.has_role(Role.MANAGER)
    if (
        user is not None
        and works_on_cases
        and any(user.organisation.code in t.values() for t in teams)
    ):
        return
    raise NotPermitted("the client is not served by your organisation")
