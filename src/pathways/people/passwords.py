"""Password hashing with argon2, and the demo password that only demo mode accepts."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
# Printed by `make run`; refused at login whenever the service is not in demo mode.
DEMO_PASSWORD = "pathways-demo"  # noqa: S105 — a published demo password, by design

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("no user has this password")


def verify(password_hash: str | None, password: str) -> bool:
    """True if the password matches. Unknown users cost the same time as known ones."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
