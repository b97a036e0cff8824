"""What signing in through an OpenID provider costs, against the test suite's real provider.

Prints, on a temporary SQLite database with `oidc-provider` run by node on 127.0.0.1:
- sign-in: Pathways -> provider login form -> callback (code exchange, ID token and
  JWKS checks, userinfo, account update, session) -> inbox, median and p95 in ms;
- a JSON read (`GET /api/tasks`) with a session whose recheck is not due, and with one
  rechecked on every request (refresh grant, new ID token, userinfo), median ms each;
- the same read with a client-credentials access token and with a personal token.

Usage: python bench/oidc_sign_in.py [--rounds N] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))  # the test suite's provider and its set-up

from tests import factories  # noqa: E402
from tests.api.live import LiveServer  # noqa: E402
from tests.oidc import conftest as setup  # noqa: E402
from tests.oidc.provider import OpenIdProvider  # noqa: E402

from pathways.db import migrate  # noqa: E402
from pathways.db.session import make_engine, transaction  # noqa: E402
from pathways.people import service as people  # noqa: E402
from pathways.people import tokens  # noqa: E402
from pathways.settings import AuthSettings, Settings  # noqa: E402


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
    }


def _timed(rounds: int, action: Callable[[], Any]) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def _env(
    folder: Path, url: str, recheck_minutes: float
) -> tuple[OpenIdProvider, LiveServer, setup.OidcEnv]:
    provider = OpenIdProvider(folder, [])
    provider.set_accounts(setup.ACCOUNTS)
    settings = Settings(
        database_url=url,
        auth=AuthSettings(
            providers=[setup.provider_settings(provider.issuer, recheck_minutes=recheck_minutes)]
        ),
    )
    server = LiveServer(settings)
    provider.clients = setup._clients(server.url)
    provider.start()
    server.__enter__()
    return provider, server, setup.OidcEnv(provider, server, settings)


def _measure(
    env: setup.OidcEnv, label: str, rounds: int, personal: str, figures: dict[str, Any]
) -> None:
    if label == "not_due":
        figures["sign_in"] = _ms(_timed(rounds, lambda: env.sign_in("k-1001")))
    browser = env.sign_in("k-1001")
    figures[f"read_session_recheck_{label}"] = _ms(
        _timed(rounds, lambda: browser.get("/api/tasks").raise_for_status())
    )
    if label != "not_due":
        return
    bearer = {"Authorization": f"Bearer {env.integrator_token()}"}
    mine = {"Authorization": f"Bearer {personal}"}
    with httpx.Client(base_url=env.url) as client:
        figures["read_client_credentials_token"] = _ms(
            _timed(rounds, lambda: client.get("/api/tasks", headers=bearer).raise_for_status())
        )
        figures["read_personal_token"] = _ms(
            _timed(rounds, lambda: client.get("/api/tasks", headers=mine).raise_for_status())
        )


def run(rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        with transaction(engine) as s:
            factories.team(s)
            people.create_user(s, login="export-bot", organisation="westland-ea", roles=["manager"])
            personal = tokens.issue(s, login="veera")
        figures: dict[str, Any] = {}
        for recheck, label in ((60.0, "not_due"), (0.0, "every_request")):
            (folder / label).mkdir()
            provider, server, env = _env(folder / label, url, recheck)
            try:
                _measure(env, label, rounds, personal, figures)
            finally:
                env.close()
                server.__exit__(None, None, None)
                provider.stop()
        engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.rounds)
    if args.json:
        print(json.dumps(figures))
        return
    for name, values in figures.items():
        print(f"{name:40} median {values['median_ms']:8.1f} ms   p95 {values['p95_ms']:8.1f} ms")


if __name__ == "__main__":
    main()
