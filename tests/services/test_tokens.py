"""Personal API tokens: shown once, kept only as a digest, revocable, tied to an active user."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from pathways.people import tokens
from pathways.people.models import ApiToken
from tests import factories


def test_a_token_identifies_its_user_and_only_its_digest_is_stored(db):
    with db.tx() as s:
        factories.team(s)
        token = tokens.issue(s, login="ville")
    with db.tx() as s:
        assert tokens.authenticate(s, token).login == "ville"
        (stored,) = s.scalars(select(ApiToken)).all()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in stored.token_hash and stored.last_used_at is not None


def test_unknown_malformed_and_revoked_tokens_identify_nobody(db):
    with db.tx() as s:
        factories.team(s)
        token = tokens.issue(s, login="ville")
    with db.tx() as s:
        assert tokens.authenticate(s, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert tokens.authenticate(s, "Bearer nonsense") is None
        assert tokens.revoke_all(s, login="ville") == 1
    with db.tx() as s:
        assert tokens.authenticate(s, token) is None


def test_a_deactivated_users_token_stops_working(db):
    with db.tx() as s:
        factories.team(s)
        token = tokens.issue(s, login="ville")
        factories.actor(s, "ville").user.active = False
    with db.tx() as s:
        assert tokens.authenticate(s, token) is None
