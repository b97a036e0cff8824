"""A live Pathways and a real OpenID provider (node, `oidc-provider`) that trust each other.

The provider's port is chosen first, so Pathways' settings can name its issuer; then
Pathways starts, and the provider registers Pathways' callback, logout and back-channel
addresses as its clients' and starts too. Both listen on 127.0.0.1 and stop after the test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pathways.people import service as people
from pathways.settings import AuthSettings, OidcProviderSettings, Settings
from tests import factories
from tests.api.live import LiveServer
from tests.oidc.provider import API_AUDIENCE, OpenIdProvider, node_ready

SECRET = "pathways-test-client-secret-0123456789"
INTEGRATOR_SECRET = "integrator-test-client-secret-0123456789"

# People the provider knows: `groups` and `organisation` are what the mapping reads.
ACCOUNTS: dict[str, dict[str, Any]] = {
    "k-1001": {
        "preferred_username": "kaisa",
        "name": "Kaisa Korhonen",
        "email": "kaisa@westland.example",
        "organisation": "WL-EA",
        "groups": ["pw-caseworkers", "domain-admins"],
    },
    "k-1002": {
        "preferred_username": "mikko",
        "name": "Mikko Mäkinen",
        "email": "mikko@westland.example",
        "organisation": "WL-EA",
        "groups": ["pw-caseworkers", "pw-managers"],
    },
    "k-1003": {
        "preferred_username": "anna",
        "name": "Another Anna",
        "organisation": "BARSBY",
        "groups": ["pw-caseworkers"],
    },
    "k-1004": {
        "preferred_username": "sanna",
        "name": "Sanna Salo",
        "organisation": "WL-EA",
        "groups": ["staff"],
    },
}


class OidcEnv:
    """Pathways on `url`, the provider on `provider.issuer`, and ways to sign in."""

    def __init__(self, provider: OpenIdProvider, server: LiveServer, settings: Settings) -> None:
        self.provider = provider
        self.server = server
        self.url = server.url
        self.settings = settings
        self._clients: list[httpx.Client] = []

    def browser(self) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30)
        self._clients.append(client)
        return client

    def start_sign_in(self, client: httpx.Client, next_path: str = "/") -> httpx.Response:
        """Follow Pathways to the provider's login form."""
        answer = client.get(
            "/login/oidc/westland", params={"next": next_path}, follow_redirects=True
        )
        assert answer.status_code == 200, answer.text
        assert str(answer.url).startswith(self.provider.issuer + "/interaction/")
        return answer

    def log_in_at_provider(
        self, client: httpx.Client, form: httpx.Response, account: str, *, follow: bool = True
    ) -> httpx.Response:
        action = re.search(r'action="([^"]+)"', form.text)
        assert action is not None, form.text
        return client.post(
            httpx.URL(str(form.url)).join(action.group(1)),
            data={"prompt": "login", "login": account, "password": "any"},
            follow_redirects=follow,
        )

    def sign_in(self, account: str, client: httpx.Client | None = None) -> httpx.Client:
        """A browser signed in through the provider, with its CSRF token for changes."""
        client = client or self.browser()
        answer = self.log_in_at_provider(client, self.start_sign_in(client), account)
        assert answer.status_code == 200, answer.text
        assert str(answer.url).startswith(self.url), answer.url
        session = client.get("/api/session")
        assert session.status_code == 200, session.text
        client.headers["X-CSRF-Token"] = session.json()["csrf_token"]
        return client

    def integrator_token(
        self, client_id: str = "integrator", secret: str = INTEGRATOR_SECRET
    ) -> str:
        answer = httpx.post(
            self.provider.issuer + "/token",
            data={"grant_type": "client_credentials", "scope": "api"},
            auth=(client_id, secret),
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def close(self) -> None:
        for client in self._clients:
            client.close()


def provider_settings(issuer: str, **overrides: Any) -> OidcProviderSettings:
    values: dict[str, Any] = {
        "name": "westland",
        "title": "Westland ID",
        "issuer": issuer,
        "client_id": "pathways",
        "client_secret": SECRET,
        "scopes": ["openid", "profile", "email"],
        "organisations": {"WL-EA": "westland-ea", "BARSBY": "barsby"},
        "roles_claim": "groups",
        "roles": {"pw-caseworkers": ["caseworker"], "pw-managers": ["manager"]},
        "api_audience": API_AUDIENCE,
        "service_accounts": {"integrator": "export-bot"},
        "allow_http": True,
        **overrides,
    }
    return OidcProviderSettings(**values)


def _clients(url: str) -> list[dict[str, Any]]:
    return [
        {
            "client_id": "pathways",
            "client_secret": SECRET,
            "redirect_uris": [f"{url}/login/oidc/westland/callback"],
            "post_logout_redirect_uris": [f"{url}/login"],
            "backchannel_logout_uri": f"{url}/api/oidc/westland/backchannel-logout",
            "backchannel_logout_session_required": True,
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
        },
        *(
            {
                "client_id": client_id,
                "client_secret": secret,
                "grant_types": ["client_credentials"],
                "response_types": [],
                "redirect_uris": [],
            }
            for client_id, secret in (
                ("integrator", INTEGRATOR_SECRET),
                ("stranger", INTEGRATOR_SECRET),
            )
        ),
    ]


OidcFactory = Callable[..., OidcEnv]


@pytest.fixture
def oidc_env(db, settings, tmp_path: Path) -> Iterator[OidcFactory]:
    """Build the pair; keyword arguments override the provider's settings in Pathways."""
    reason = node_ready()
    if reason is not None:
        pytest.skip(reason)
    with db.tx() as s:
        factories.team(s)
        people.create_user(s, login="export-bot", organisation="westland-ea", roles=["manager"])
    started: list[tuple[OpenIdProvider, LiveServer, OidcEnv]] = []

    def build(
        local_passwords: bool = True, access_token_ttl: int = 3600, **overrides: Any
    ) -> OidcEnv:
        provider = OpenIdProvider(tmp_path, [])
        provider.access_token_ttl = access_token_ttl
        provider.set_accounts(ACCOUNTS)
        auth = AuthSettings(
            local_passwords=local_passwords,
            providers=[provider_settings(provider.issuer, **overrides)],
        )
        configured = settings.model_copy(update={"auth": auth})
        server = LiveServer(configured)
        provider.clients = _clients(server.url)
        provider.start()
        server.__enter__()
        env = OidcEnv(provider, server, configured)
        started.append((provider, server, env))
        return env

    yield build
    for provider, server, env in started:
        env.close()
        server.__exit__(None, None, None)
        provider.stop()
