"""The test suite's OpenID provider: `oidc-provider` run by node on a free 127.0.0.1 port."""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SCRIPT = HERE / "provider.mjs"
API_AUDIENCE = "urn:pathways:api"
_START_TIMEOUT = 20.0


def node_ready() -> str | None:
    """Why the provider cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        return "oidc-provider is not installed (make assets runs npm ci)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


class OpenIdProvider:
    """Start, restart with other keys, stop; rewrite its accounts; mint tokens with its key."""

    def __init__(self, folder: Path, clients: list[dict[str, Any]]) -> None:
        self.folder = folder
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.clients = clients
        # Key ids unique per run: a later test's provider may get this one's port.
        self.keys = [new_key(f"key-1-{secrets.token_hex(4)}")]
        self.accounts_file = folder / "accounts.json"
        self.set_accounts({})
        self.access_token_ttl = 3600
        self.process: subprocess.Popen[str] | None = None

    def set_accounts(self, accounts: dict[str, dict[str, Any]]) -> None:
        self.accounts_file.write_text(json.dumps(accounts))

    def start(self) -> None:
        config = {
            "port": self.port,
            "clients": self.clients,
            "accounts": str(self.accounts_file),
            "jwks": {"keys": [k.as_dict(private=True) for k in self.keys]},
            "accessTokenTtl": self.access_token_ttl,
        }
        path = self.folder / "provider.json"
        path.write_text(json.dumps(config))
        self.log = (self.folder / "provider.log").open("a")
        self.process = subprocess.Popen(
            ["node", str(SCRIPT), str(path)],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the provider exited: {self.log_text()[-2000:]}")
            try:
                httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("the provider did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.log.close()
            self.process = None

    def log_text(self) -> str:
        path = self.folder / "provider.log"
        return path.read_text() if path.exists() else ""

    def rotate(self, kid: str) -> None:
        """Restart signing with a new key only (the old one is gone from the JWKS)."""
        self.stop()
        self.keys = [new_key(f"{kid}-{secrets.token_hex(4)}")]
        self.start()

    def mint(self, claims: dict[str, Any], *, key: RSAKey | None = None) -> str:
        """A token signed with the provider's own key, for cases the provider will not make."""
        key = key or self.keys[0]
        header = {"alg": "RS256", "kid": key.kid}
        return jwt.encode(header, claims, KeySet([key]))
