"""Organisations and users as the API and `--json` show them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from pathways.people.models import User


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    kind: str
    name: str
    names: dict[str, str] | None = Field(default=None, description="the name in fi, sv and en")
    covers: list[str]


class UserOut(BaseModel):
    login: str
    name: str
    organisation: str
    roles: list[str]
    active: bool
    origin: str = Field(
        default="local", description="`local`, or the identity provider the account comes from"
    )
    subject: str | None = Field(default=None, description="the person's id at that provider")

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            login=user.login,
            name=user.name,
            organisation=user.organisation.code,
            roles=list(user.roles),
            active=user.active,
            origin=user.origin or "local",
            subject=user.subject,
        )


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str | None = Field(
        description="send as X-CSRF-Token with every change made with the session cookie"
    )


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: str = Field(max_length=64)
    organisation: str = Field(max_length=64)
    roles: list[str] = Field(min_length=1, max_length=4)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    password: str | None = Field(default=None, max_length=1024)


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    active: bool | None = None
    password: str | None = Field(default=None, max_length=1024)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    organisation: str | None = Field(default=None, max_length=64)
    roles: list[str] | None = Field(default=None, min_length=1, max_length=4)


class OrganisationChange(BaseModel):
    """What an administrator sets on an organisation (the code never changes)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(max_length=32)
    covers: list[str] = Field(default_factory=list, max_length=500)
    # The name in fi, sv and en; None keeps the names there are.
    names: dict[str, str] | None = Field(default=None, max_length=3)


class TokenOut(BaseModel):
    """A personal API token as its owner's administrator sees it: never the token itself."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class IssuedTokenOut(BaseModel):
    id: int
    created_at: datetime
    token: str = Field(description="shown this once; only its SHA-256 is kept")
