"""Organisations and users as the API and `--json` show them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from pathways.people.models import User


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    kind: str
    name: str
    covers: list[str]


class UserOut(BaseModel):
    login: str
    name: str
    organisation: str
    roles: list[str]
    active: bool

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            login=user.login,
            name=user.name,
            organisation=user.organisation.code,
            roles=list(user.roles),
            active=user.active,
        )
