"""People and organisations managed as administrators do it: every call checks the caller
first and leaves an audit record of what it changed (never a password or a token)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.errors import NotPermitted
from pathways.people import permissions, tokens
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.people.models import ApiToken, Organisation, User
from pathways.people.schemas import OrganisationChange, UserCreate, UserUpdate


def list_users(session: Session, *, actor: Actor) -> Sequence[User]:
    permissions.require_admin(actor)
    return people.list_users(session)


def get_user(session: Session, *, login: str, actor: Actor) -> User:
    permissions.require_admin(actor)
    return people.get_user(session, login)


def create_user(session: Session, *, new: UserCreate, actor: Actor) -> User:
    permissions.require_admin(actor)
    user = people.create_user(
        session,
        login=new.login,
        organisation=new.organisation,
        roles=new.roles,
        name=new.name,
        email=new.email,
        password=new.password,
    )
    audit.record(session, actor=actor.login, action="user.created", details={"login": user.login})
    return user


def update_user(session: Session, *, login: str, change: UserUpdate, actor: Actor) -> User:
    permissions.require_admin(actor)
    user = people.get_user(session, login)
    changed = people.change_user(
        session,
        login=login,
        name=change.name,
        email=change.email,
        organisation=change.organisation,
        roles=change.roles,
    )
    if changed:
        details: dict[str, object] = {"login": login, "fields": changed}
        if "roles" in changed:
            details["roles"] = list(user.roles)
        if "organisation" in changed:
            details["organisation"] = user.organisation.code
        audit.record(session, actor=actor.login, action="user.changed", details=details)
    if change.password is not None:
        people.set_password(session, login=login, password=change.password)
        audit.record(
            session, actor=actor.login, action="user.password_set", details={"login": login}
        )
    if change.active is not None and change.active != user.active:
        people.set_active(session, login=login, active=change.active)
        action = "user.activated" if change.active else "user.deactivated"
        audit.record(session, actor=actor.login, action=action, details={"login": login})
    return user


def list_tokens(session: Session, *, login: str, actor: Actor) -> Sequence[ApiToken]:
    permissions.require_admin(actor)
    return tokens.list_of(session, login=login)


def issue_token(session: Session, *, login: str, actor: Actor) -> str:
    """A new personal token for the user, shown to the administrator once."""
    permissions.require_admin(actor)
    user = people.get_user(session, login)
    if not user.active:
        raise NotPermitted(f"user '{login}' is deactivated")
    token = tokens.issue(session, login=login)
    issued = tokens.list_of(session, login=login)[0]
    audit.record(
        session,
        actor=actor.login,
        action="token.issued",
        details={"login": login, "token_id": issued.id},
    )
    return token


def revoke_token(session: Session, *, login: str, token_id: int, actor: Actor) -> ApiToken:
    permissions.require_admin(actor)
    revoked = tokens.revoke(session, login=login, token_id=token_id)
    audit.record(
        session,
        actor=actor.login,
        action="token.revoked",
        details={"login": login, "token_id": token_id},
    )
    return revoked


def list_organisations(session: Session, *, actor: Actor) -> Sequence[Organisation]:
    permissions.require_admin(actor)
    return people.list_organisations(session)


def get_organisation(session: Session, *, code: str, actor: Actor) -> Organisation:
    permissions.require_admin(actor)
    return people.get_organisation(session, code)


def create_organisation(
    session: Session, *, code: str, change: OrganisationChange, actor: Actor
) -> Organisation:
    permissions.require_admin(actor)
    created = people.create_organisation(
        session,
        code=code,
        kind=change.kind,
        name=change.name,
        covers=change.covers,
        names=change.names,
    )
    audit.record(
        session,
        actor=actor.login,
        action="organisation.created",
        details={"code": code, "kind": created.kind, "covers": created.covers},
    )
    return created


def update_organisation(
    session: Session, *, code: str, change: OrganisationChange, actor: Actor
) -> Organisation:
    permissions.require_admin(actor)
    changed = people.update_organisation(
        session,
        code=code,
        kind=change.kind,
        name=change.name,
        covers=change.covers,
        names=change.names,
    )
    audit.record(
        session,
        actor=actor.login,
        action="organisation.changed",
        details={"code": code, "kind": changed.kind, "covers": changed.covers},
    )
    return changed
