"""Organisations, the municipalities they cover, and the people who work in them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db.base import Base, JSONValue, UTCDateTime
from pathways.organisation_kinds import OrganisationKind

__all__ = [
    "ApiToken",
    "Coverage",
    "DirectoryGeneration",
    "LoginFailure",
    "LoginSession",
    "Organisation",
    "OrganisationKind",
    "Role",
    "User",
]


class Role(StrEnum):
    DESIGNER = "designer"
    CASEWORKER = "caseworker"
    MANAGER = "manager"
    ADMIN = "admin"


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name in fi, sv and en where given; `name` is the fallback for a missing language.
    names: Mapped[dict[str, str] | None] = mapped_column(JSONValue, default=dict)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    coverage: Mapped[list[Coverage]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def covers(self) -> list[str]:
        return sorted(c.municipality_code for c in self.coverage)

    def name_in(self, language: str) -> str:
        """The organisation's own name in `language`, else its one name."""
        return name_in(self.names, self.name, language)


def name_in(names: dict[str, str] | None, fallback: str, language: str) -> str:
    return (names or {}).get(language) or fallback


class Coverage(Base):
    """An organisation serves the clients of this municipality (a municipality covers itself)."""

    __tablename__ = "coverage"
    __table_args__ = (UniqueConstraint("organisation_id", "municipality_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    municipality_code: Mapped[str] = mapped_column(String(64), index=True)
    organisation: Mapped[Organisation] = relationship(back_populates="coverage")


class DirectoryGeneration(Base):
    """One row whose stamp changes in the same transaction as any change to organisations,
    their coverage or who works in them (see people/directory.py). A random stamp, not a
    counter: a restored backup or an emptied table can never bring back a stamp that a
    process cached under other rows."""

    __tablename__ = "directory_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))


LOCAL_ORIGIN = "local"


class User(Base):
    """A person. `origin` says where the account comes from: `local`, or the name of the
    OpenID provider that vouches for it, with the provider's `subject` for the person."""

    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("origin", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSONValue)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    origin: Mapped[str] = mapped_column(String(32), default=LOCAL_ORIGIN, server_default="local")
    subject: Mapped[str | None] = mapped_column(String(255))
    organisation: Mapped[Organisation] = relationship()

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles


class ApiToken(Base):
    """A personal API token. Only its SHA-256 is kept; the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user: Mapped[User] = relationship()


class LoginSession(Base):
    """A browser session. The cookie holds a random token; only its SHA-256 is kept here."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A session opened through an OpenID provider: which one, its session id (for
    # back-channel logout), and the access and refresh tokens its userinfo is asked
    # again with (encrypted with the service's key; see people/oidc_accounts.py).
    provider: Mapped[str | None] = mapped_column(String(32))
    provider_sid: Mapped[str | None] = mapped_column(String(255), index=True)
    provider_token: Mapped[str | None] = mapped_column(Text)
    provider_refresh: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """A failed login, kept for a while to slow down password guessing across replicas."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
