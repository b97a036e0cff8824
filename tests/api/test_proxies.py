"""Forwarding headers are believed only from the proxies named in the settings, so a caller
cannot pick the address that login throttling counts.

The live server's peer is always 127.0.0.1 here: with no trusted proxies that is the
caller's address whatever `X-Forwarded-For` says; trusting 127.0.0.1 makes it act as the
proxy, and the address it forwards counts instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from ipaddress import ip_network

import httpx
import pytest
from sqlalchemy import select

from pathways.edge.proxies import TrustedProxies
from pathways.people.models import LoginFailure
from tests.api.live import LiveServer

LIMIT = 3
WRONG = {"login": "nobody", "password": "wrong wrong wrong"}


@contextmanager
def served(settings, trusted: list[str]) -> Iterator[httpx.Client]:
    web = settings.web.model_copy(
        update={
            "login_failures_per_address": LIMIT,
            "login_failures_per_login": 1000,
            "trusted_proxies": [ip_network(n) for n in trusted],
        }
    )
    with (
        LiveServer(settings.model_copy(update={"web": web})) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        yield client


def log_in_from(client: httpx.Client, forwarded_for: str) -> int:
    headers = {"X-Forwarded-For": forwarded_for}
    return client.post("/api/session", json=WRONG, headers=headers).status_code


def counted_addresses(db) -> set[str]:
    with db.tx() as s:
        return set(s.scalars(select(LoginFailure.address)))


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(db, settings):
    with served(settings, trusted=[]) as client:
        outcomes = [log_in_from(client, f"198.51.100.{n}") for n in range(LIMIT + 2)]
    assert outcomes == [401] * LIMIT + [429, 429]
    assert counted_addresses(db) == {"127.0.0.1"}


def test_behind_a_trusted_proxy_each_forwarded_address_is_throttled_on_its_own(db, settings):
    with served(settings, trusted=["127.0.0.0/8"]) as client:
        rotating = [log_in_from(client, f"198.51.100.{n}") for n in range(LIMIT + 2)]
        repeated = [log_in_from(client, "203.0.113.9") for _ in range(LIMIT + 1)]
    assert rotating == [401] * (LIMIT + 2)
    assert repeated == [401] * LIMIT + [429]
    assert "127.0.0.1" not in counted_addresses(db)


def test_addresses_a_caller_prepends_to_the_chain_are_not_believed(db, settings):
    # The proxy appends the peer it saw; whatever stands left of it came from the caller.
    with served(settings, trusted=["127.0.0.1"]) as client:
        outcomes = [log_in_from(client, f"10.9.9.{n}, 203.0.113.7") for n in range(LIMIT + 1)]
    assert outcomes == [401] * LIMIT + [429]
    assert counted_addresses(db) == {"203.0.113.7"}


@pytest.mark.parametrize(
    ("chain", "peer"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),  # 10.0.0.2: an inner proxy
        ("10.0.0.3, 10.0.0.2", None),  # only proxies: keep the peer itself
        ("not-an-address, 203.0.113.7", "203.0.113.7"),
        ("203.0.113.7, not-an-address", None),  # nothing believed left of a malformed hop
        ("2001:db8::1", "2001:db8::1"),
        ("203.0.113.7:4711", "203.0.113.7"),
        ("[2001:db8::1]:4711", "2001:db8::1"),
        ("203.0.113.7, 10.0.0.2:443", "203.0.113.7"),
        ("", None),
    ],
)
def test_the_real_peer_is_the_right_most_address_that_is_not_a_trusted_proxy(chain, peer):
    proxies = TrustedProxies(app=None, trusted=[ip_network("10.0.0.0/8")])  # type: ignore[arg-type]
    assert proxies.real_peer(chain) == peer
