"""Organisations and users as the API and `--json` show them."""

from __future__ import annotations

from pydantic import BaseModel

from pathways.people.models import Organisation, User


class OrganisationOut(BaseModel):
    code: str
    kind: str
    name: str
    covers: list[str]

    @classmethod
    def of(cls, organisation: Organisation) -> OrganisationOut:
        return cls(
            code=organisation.code,
            kind=organisation.kind,
            name=organisation.name,
            covers=organisation.covers,
        )


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
