"""OpenID Connect, the protocol side: discovery, keys, the code flow, and token checks.

Authlib runs the OAuth 2.0 exchanges (authorization URL with PKCE, code for tokens,
userinfo); joserfc, Authlib's JOSE library, checks every signed token against the
provider's JWKS with the configured algorithm allow-list. Nothing here touches the
database: `oidc_accounts` turns verified claims into accounts and sessions.

Discovery documents are kept for an hour; a JWKS is kept until a token names a key it
does not hold, then fetched again once (the provider rotated its keys).
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OctKey

from pathways.errors import Unauthenticated
from pathways.settings import OidcProviderSettings

_DISCOVERY_TTL = 3600.0
_STATE_TTL = 600
_LEEWAY = 30
_LOGOUT_TOKEN_AGE = 300
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class ProviderRefused(Unauthenticated):
    """The provider, or a token it issued, did not vouch for the caller."""


@dataclass(frozen=True)
class Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    end_session_endpoint: str | None


@dataclass(frozen=True)
class SignIn:
    """What a finished code flow leaves: the ID token's claims and the tokens."""

    claims: dict[str, Any]
    access_token: str | None
    refresh_token: str | None
    next_path: str


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.metadata: dict[str, tuple[float, Metadata]] = {}
        self.keys: dict[str, tuple[float, KeySet]] = {}


_cache = _Cache()


def _unanswered(failed: Exception) -> ProviderRefused:
    return ProviderRefused(f"the identity provider did not answer ({type(failed).__name__})")


def _get_json(url: str, timeout: float) -> dict[str, Any]:
    try:
        answer = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
        answer.raise_for_status()
        return cast(dict[str, Any], answer.json())
    except (requests.RequestException, ValueError) as failed:
        raise ProviderRefused(
            f"the identity provider did not answer ({type(failed).__name__})"
        ) from None


def metadata(provider: OidcProviderSettings) -> Metadata:
    """The provider's discovery document (`.well-known/openid-configuration`)."""
    with _cache.lock:
        cached = _cache.metadata.get(provider.issuer)
    if cached is not None and time.monotonic() - cached[0] < _DISCOVERY_TTL:
        return cached[1]
    doc = _get_json(
        provider.issuer.rstrip("/") + "/.well-known/openid-configuration", provider.timeout
    )
    if doc.get("issuer") != provider.issuer:
        raise ProviderRefused("the identity provider's discovery names another issuer")
    found = Metadata(
        issuer=doc["issuer"],
        authorization_endpoint=doc["authorization_endpoint"],
        token_endpoint=doc["token_endpoint"],
        jwks_uri=doc["jwks_uri"],
        userinfo_endpoint=doc.get("userinfo_endpoint"),
        end_session_endpoint=doc.get("end_session_endpoint"),
    )
    with _cache.lock:
        _cache.metadata[provider.issuer] = (time.monotonic(), found)
    return found


def _keys(provider: OidcProviderSettings, *, refresh: bool) -> KeySet:
    with _cache.lock:
        cached = _cache.keys.get(provider.issuer)
    if cached is not None and not refresh:
        return cached[1]
    # Tokens naming unknown keys must not turn into a stream of requests to the provider.
    if cached is not None and time.monotonic() - cached[0] < provider.jwks_refetch_seconds:
        return cached[1]
    fetched = KeySet.import_key_set(
        cast(Any, _get_json(metadata(provider).jwks_uri, provider.timeout))
    )
    with _cache.lock:
        _cache.keys[provider.issuer] = (time.monotonic(), fetched)
    return fetched


def _verify(provider: OidcProviderSettings, token: str) -> dict[str, Any]:
    """The claims of a token signed by one of the provider's keys with an allowed alg."""
    try:
        kid = jws.extract_compact(token.encode()).headers().get("kid")
        keys = _keys(provider, refresh=False)
        if kid is not None and not any(k.kid == kid for k in keys.keys):
            keys = _keys(provider, refresh=True)  # rotated: fetch the JWKS once more
        return dict(jwt.decode(token, keys, algorithms=provider.algorithms).claims)
    except (JoseError, ValueError) as bad:
        raise ProviderRefused(f"the provider's token is not valid ({type(bad).__name__})") from None


def _check(claims: dict[str, Any], *, needs_exp: bool = True, **expected: Any) -> None:
    options: dict[str, Any] = {"exp": {"essential": needs_exp}, "iat": {"essential": True}}
    for name, value in expected.items():
        options[name] = {"essential": True, "value": value}
    try:
        jwt.JWTClaimsRegistry(leeway=_LEEWAY, **options).validate(claims)
    except JoseError as bad:
        raise ProviderRefused(f"the provider's token is not valid ({type(bad).__name__})") from None


def verify_id_token(
    provider: OidcProviderSettings, token: str, *, nonce: str | None
) -> dict[str, Any]:
    """Signature, issuer, audience, expiry and nonce of an ID token.

    `nonce` is None only for an ID token from a refresh, which answers no sign-in request.
    """
    claims = _verify(provider, token)
    expected: dict[str, Any] = {"nonce": nonce} if nonce is not None else {}
    _check(claims, iss=provider.issuer, aud=provider.client_id, **expected)
    if "sub" not in claims:
        raise ProviderRefused("the provider's ID token names no subject")
    azp = claims.get("azp")
    if azp is not None and azp != provider.client_id:
        raise ProviderRefused("the provider's ID token was issued to another client")
    return claims


def verify_logout_token(provider: OidcProviderSettings, token: str) -> dict[str, Any]:
    """A back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6)."""
    claims = _verify(provider, token)
    # `exp` is optional in a logout token; without one, it must be fresh.
    _check(claims, needs_exp=False, iss=provider.issuer, aud=provider.client_id)
    if "exp" not in claims and abs(time.time() - float(claims["iat"])) > _LOGOUT_TOKEN_AGE:
        raise ProviderRefused("the logout token is too old")
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
        raise ProviderRefused("not a back-channel logout token")
    if "nonce" in claims or not (claims.get("sub") or claims.get("sid")):
        raise ProviderRefused("a logout token names a subject or a session, and has no nonce")
    return claims


def verify_access_token(provider: OidcProviderSettings, token: str) -> dict[str, Any]:
    """An access token (JWT, RFC 9068) the provider issued for this API."""
    claims = _verify(provider, token)
    _check(claims, iss=provider.issuer, aud=provider.api_audience)
    return claims


def issuer_of(token: str) -> str | None:
    """The unverified `iss` of a JWT, to choose whose keys to check it with."""
    try:
        issuer = json.loads(jws.extract_compact(token.encode()).payload).get("iss")
    except (JoseError, ValueError):
        return None
    return issuer if isinstance(issuer, str) else None


def _client(provider: OidcProviderSettings, redirect_uri: str | None = None) -> OAuth2Session:
    secret = provider.client_secret.get_secret_value() if provider.client_secret else None
    return OAuth2Session(
        provider.client_id,
        secret,
        scope=" ".join(provider.scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=provider.timeout,
    )


def _state_key(secret: bytes) -> OctKey:
    return OctKey.import_key(secret)


def begin(
    provider: OidcProviderSettings, *, redirect_uri: str, next_path: str, secret: bytes
) -> tuple[str, str]:
    """The provider's authorization URL, and the signed cookie that remembers the attempt.

    The cookie carries state, nonce and PKCE verifier, signed with the service's key and
    valid for ten minutes; the browser brings it back to the callback.
    """
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url, _ = _client(provider, redirect_uri).create_authorization_url(
        metadata(provider).authorization_endpoint,
        state=state,
        code_verifier=verifier,
        nonce=nonce,
    )
    now = int(time.time())
    remembered = {
        "provider": provider.name,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_path,
        "iat": now,
        "exp": now + _STATE_TTL,
    }
    return str(url), jwt.encode({"alg": "HS256"}, remembered, _state_key(secret))


def _remembered(provider: OidcProviderSettings, cookie: str, secret: bytes) -> dict[str, Any]:
    try:
        claims = dict(jwt.decode(cookie, _state_key(secret), algorithms=["HS256"]).claims)
        jwt.JWTClaimsRegistry(exp={"essential": True}).validate(claims)
    except (JoseError, ValueError):
        raise ProviderRefused(
            "the sign-in took too long or was not started here; try again"
        ) from None
    if claims.get("provider") != provider.name:
        raise ProviderRefused("the sign-in was started with another provider; try again")
    return claims


def finish(
    provider: OidcProviderSettings,
    *,
    redirect_uri: str,
    code: str,
    state: str,
    cookie: str,
    secret: bytes,
) -> SignIn:
    """Exchange the code (with the PKCE verifier) and check the ID token."""
    remembered = _remembered(provider, cookie, secret)
    if not isinstance(remembered.get("state"), str) or not _same(remembered["state"], state):
        raise ProviderRefused("the sign-in answer does not belong to this browser; try again")
    try:
        tokens = _client(provider, redirect_uri).fetch_token(
            metadata(provider).token_endpoint,
            grant_type="authorization_code",
            code=code,
            code_verifier=remembered["verifier"],
        )
    except Exception as failed:  # noqa: BLE001 - any failure of the exchange is a refusal
        raise ProviderRefused(
            f"the provider refused the sign-in ({type(failed).__name__})"
        ) from None
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise ProviderRefused("the provider sent no ID token")
    claims = verify_id_token(provider, id_token, nonce=remembered["nonce"])
    access_token = tokens.get("access_token")
    if isinstance(access_token, str) and metadata(provider).userinfo_endpoint:
        # Many providers keep profile claims out of the ID token of a code flow.
        extra = userinfo(provider, access_token)
        if extra is None or str(extra.get("sub")) != str(claims["sub"]):
            raise ProviderRefused("the provider's userinfo names another person")
        claims = {**extra, **claims}
    refresh_token = tokens.get("refresh_token")
    return SignIn(
        claims,
        access_token if isinstance(access_token, str) else None,
        refresh_token if isinstance(refresh_token, str) else None,
        str(remembered["next"]),
    )


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def refresh(provider: OidcProviderSettings, refresh_token: str) -> dict[str, Any] | None:
    """New tokens for a refresh token, or None if the provider refuses (it no longer vouches)."""
    try:
        tokens = _client(provider).refresh_token(
            metadata(provider).token_endpoint, refresh_token=refresh_token
        )
    except OAuthError:  # invalid_grant: revoked, expired, or the account is gone
        return None
    except requests.RequestException as failed:
        raise _unanswered(failed) from None
    return dict(tokens) if "access_token" in tokens else None


def userinfo(provider: OidcProviderSettings, access_token: str) -> dict[str, Any] | None:
    """The provider's current claims of the person, or None if it no longer vouches."""
    endpoint = metadata(provider).userinfo_endpoint
    if endpoint is None:
        raise ProviderRefused("the identity provider has no userinfo endpoint")
    try:
        answer = requests.get(
            endpoint,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            timeout=provider.timeout,
        )
    except requests.RequestException as failed:
        raise ProviderRefused(
            f"the identity provider did not answer ({type(failed).__name__})"
        ) from None
    if answer.status_code in (401, 403):
        return None
    if answer.status_code != 200:
        raise ProviderRefused(f"the identity provider answered {answer.status_code}")
    return cast(dict[str, Any], answer.json())


def logout_url(provider: OidcProviderSettings, *, after: str) -> str | None:
    """RP-initiated logout at the provider, where it offers one."""
    endpoint = metadata(provider).end_session_endpoint
    if endpoint is None:
        return None
    query = urlencode({"client_id": provider.client_id, "post_logout_redirect_uri": after})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
