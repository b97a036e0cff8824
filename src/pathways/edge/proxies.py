"""The caller's address: the TCP peer, unless that peer is a proxy we were told to trust.

`X-Forwarded-For` and `X-Forwarded-Proto` are headers anyone can send; believing them
from any peer lets a caller pick the address that login throttling counts. They are
read only when the peer is in `PATHWAYS_WEB__TRUSTED_PROXIES`, and then the address
taken is the right-most one that is not itself a trusted proxy (the one the outermost
trusted proxy saw connect).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """Rewrite the ASGI scope's client and scheme from forwarding headers of trusted peers."""

    def __init__(self, app: ASGIApp, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.trusted:
            client = scope.get("client")
            if client and self._is_trusted(client[0]):
                scope = self._forwarded(scope, client)
        await self.app(scope, receive, send)

    def _forwarded(self, scope: Scope, client: tuple[str, int]) -> Scope:
        headers = dict(scope.get("headers", []))
        updated = dict(scope)
        chain = headers.get(b"x-forwarded-for", b"").decode("latin-1")
        peer = self.real_peer(chain)
        if peer is not None:
            updated["client"] = (peer, client[1])
        proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
        if proto in ("http", "https"):
            updated["scheme"] = proto
        return updated

    def real_peer(self, chain: str) -> str | None:
        """The right-most well-formed address of the chain that is not a trusted proxy."""
        hops = [hop.strip() for hop in chain.split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                return None  # a malformed hop: believe nothing further left of it
            if not self._is_trusted(address):
                return address
        return None

    def _is_trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.trusted)


def _address(hop: str) -> str | None:
    """The address of one hop: `192.0.2.1`, `2001:db8::1`, or with a port as some proxies
    write it (`192.0.2.1:4711`, `[2001:db8::1]:4711`)."""
    if hop.startswith("["):
        host = hop[1:].partition("]")[0]
    elif hop.count(":") == 1:
        host = hop.partition(":")[0]
    else:
        host = hop
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None
