"""`pathways serve` as a real process: its log on stderr holds no client data, and it
believes `X-Forwarded-For` only from the proxies its settings name."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent / "pathways"
MARKER = "Yk3Marker9"
WRONG = {"login": "nobody", "password": "wrong wrong wrong"}


class Served:
    def __init__(self, url: str) -> None:
        self.url = url
        self.stderr = ""


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PATHWAYS_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "PATHWAYS_DATA_DIR": str(tmp_path / "var"),
        "PATHWAYS_FORMS_DIR": str(ROOT / "tests" / "forms"),
        "PATHWAYS_DEADLINES__POLLER_IN_SERVE": "false",
        **extra,
    }


def pathways(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def serve(env: dict[str, str]) -> Iterator[Served]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    served = Served(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{served.url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "pathways serve did not start"
                time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        _, served.stderr = process.communicate(timeout=30)


def logins_from(url: str, addresses: list[str]) -> list[int]:
    with httpx.Client(base_url=url, timeout=10) as client:
        return [
            client.post("/api/session", json=WRONG, headers={"X-Forwarded-For": a}).status_code
            for a in addresses
        ]


def test_serve_ignores_forwarded_addresses_unless_told_which_proxies_to_trust(tmp_path):
    limits = {
        "PATHWAYS_WEB__LOGIN_FAILURES_PER_ADDRESS": "3",
        "PATHWAYS_WEB__LOGIN_FAILURES_PER_LOGIN": "1000",
    }
    base = environment(tmp_path, **limits)
    pathways(base, "db", "upgrade")
    rotating = [f"198.51.100.{n}" for n in range(5)]
    with serve(base) as served:
        untrusted = logins_from(served.url, rotating)
    behind_proxy = {**base, "PATHWAYS_WEB__TRUSTED_PROXIES": '["127.0.0.1"]'}
    with serve(behind_proxy) as served:
        trusted = logins_from(served.url, [f"203.0.113.{n}" for n in range(5)])
    assert untrusted == [401, 401, 401, 429, 429]
    assert trusted == [401] * 5


def test_the_log_of_serve_holds_no_client_data(tmp_path):
    env = environment(tmp_path)
    pathways(env, "db", "upgrade")
    pathways(env, "demo")
    pathways(env, "models", "deploy", str(ROOT / "tests" / "bpmn" / "handoff.bpmn"))
    token = pathways(env, "users", "token", "anna").strip()
    with serve(env) as served, httpx.Client(base_url=served.url, timeout=30) as anna:
        anna.headers["Authorization"] = f"Bearer {token}"
        client = {"reference": MARKER, "municipality": "barsby", "contact_language": "ar"}
        body = {"model": "handoff", "client": client, "data": {"note": MARKER}}
        started = anna.post("/api/instances", json=body)
        assert started.status_code == 201, started.text
        task = started.json()["tasks"][0]["id"]
        bad = {"data": {"summary": MARKER, "jobseeker": MARKER}}
        assert anna.post(f"/api/tasks/{task}/complete", json=bad).status_code == 422
        form = {"data": {"summary": MARKER, "jobseeker": True}}
        assert anna.post(f"/api/tasks/{task}/complete", json=form).status_code == 200
        case = started.json()["id"]
        message = anna.post(f"/api/instances/{case}/messages/{MARKER}", json={"x": MARKER})
        assert message.status_code == 409
    lines = [json.loads(line) for line in served.stderr.splitlines() if line.startswith("{")]
    assert sum(1 for line in lines if line.get("route") == "/api/instances") == 1
    assert MARKER not in served.stderr
