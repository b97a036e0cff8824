"""A live API per test over a seeded database: the demo team and a second region, a handoff
model with one case in each region (Barsby's C-1, Ostby's C-2), and a password for everyone."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pathways.people import service as people
from pathways.people import tokens
from tests import factories
from tests.api.live import LiveServer

PASSWORD = "correct horse battery"


class Api:
    """The live server and ways to be someone on it."""

    def __init__(self, server: LiveServer, db: object, settings: object) -> None:
        self.url = server.url
        self.app = server.app
        self.db = db
        self.settings = settings
        self._clients: list[httpx.Client] = []

    def anonymous(self) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30)
        self._clients.append(client)
        return client

    def browser(self, login: str, password: str = PASSWORD) -> httpx.Client:
        """A client logged in with a session cookie, sending its CSRF token on changes."""
        client = self.anonymous()
        answer = client.post("/api/session", json={"login": login, "password": password})
        assert answer.status_code == 200, answer.text
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        return client

    def integrator(self, login: str) -> httpx.Client:
        """A client that sends a personal API token."""
        with self.db.tx() as s:
            token = tokens.issue(s, login=login)
        client = self.anonymous()
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()


def seed(db, settings) -> None:
    with db.tx() as s:
        factories.team(s)
        people.create_user(s, login="mari", organisation="barsby", roles=["manager"])
        people.create_user(s, login="otto", organisation="eastland-ea", roles=["manager"])
        people.create_user(s, login="bea", organisation="barsby", roles=["caseworker"])
        hashed = factories.password_hash(PASSWORD)
        for user in people.list_users(s):
            user.password_hash = hashed
        factories.deploy(s, settings, "handoff")
        factories.start(s, settings, "handoff", reference="C-1", municipality="barsby")
        factories.start(s, settings, "handoff", reference="C-2", municipality="ostby")


@pytest.fixture
def api(db, settings) -> Iterator[Api]:
    seed(db, settings)
    with LiveServer(settings) as server:
        client = Api(server, db, settings)
        yield client
        client.close()
