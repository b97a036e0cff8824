"""Who is acting: a user, or the operator at the command line."""

from __future__ import annotations

from dataclasses import dataclass

from pathways.people.models import Role, User


@dataclass(frozen=True)
class Actor:
    """The caller of a service. `user` is None for the local operator (CLI, demo set-up)."""

    login: str
    user: User | None = None

    @classmethod
    def operator(cls) -> Actor:
        return cls(login="operator")

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(login=user.login, user=user)

    @property
    def is_operator(self) -> bool:
        return self.user is None

    def has_role(self, role: Role) -> bool:
        return self.user is not None and self.user.active and self.user.has_role(role)
