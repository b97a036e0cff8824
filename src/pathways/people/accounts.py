"""People management as administrators do it: every call checks the caller first."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.people import permissions
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.people.models import User
from pathways.people.schemas import UserCreate, UserUpdate


def list_users(session: Session, *, actor: Actor) -> Sequence[User]:
    permissions.require_admin(actor)
    return people.list_users(session)


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
