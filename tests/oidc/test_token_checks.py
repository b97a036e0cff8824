"""What Pathways refuses: tampered state, replayed codes, tokens for others, old keys."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from pathways.people import oidc
from tests.oidc.conftest import OidcFactory, provider_settings
from tests.oidc.provider import new_key


def _callback(env, browser, account: str) -> str:
    """The provider's redirect back to Pathways (not yet followed)."""
    answer = env.log_in_at_provider(browser, env.start_sign_in(browser), account, follow=False)
    while not answer.headers["location"].startswith(env.url):
        answer = browser.get(answer.headers["location"], follow_redirects=False)
    return answer.headers["location"]


def _id_claims(env, **changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": env.provider.issuer,
        "aud": "pathways",
        "sub": "k-1001",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_a_tampered_state_is_refused_and_opens_no_session(oidc_env: OidcFactory):
    env = oidc_env()
    browser = env.browser()
    back = urlsplit(_callback(env, browser, "k-1001"))
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    query["state"] = query["state"][:-2] + ("AA" if not query["state"].endswith("AA") else "BB")

    answer = browser.get(f"{back.path}?{urlencode(query)}")

    assert answer.status_code == 401
    assert browser.get("/api/session").status_code == 401


def test_a_replayed_callback_opens_no_second_session(oidc_env: OidcFactory):
    env = oidc_env()
    browser = env.browser()
    back = _callback(env, browser, "k-1001")
    first = browser.get(back)
    assert first.status_code == 303
    cookie = browser.cookies.get("pathways_session")

    # Another browser with the same code and state: no state cookie, so refused.
    thief = env.browser()
    assert thief.get(back).status_code == 401
    # The same browser again: the attempt was used up, and the provider's code with it.
    assert browser.get(back).status_code == 401
    assert browser.cookies.get("pathways_session") == cookie


def test_a_replayed_code_is_refused_by_the_provider(oidc_env: OidcFactory):
    env = oidc_env()
    browser = env.browser()
    start = env.start_sign_in(browser)
    remembered = browser.cookies.get("pathways_oidc")
    answer = env.log_in_at_provider(browser, start, "k-1001", follow=False)
    while not answer.headers["location"].startswith(env.url):
        answer = browser.get(answer.headers["location"], follow_redirects=False)
    back = answer.headers["location"]
    assert browser.get(back).status_code == 303

    browser.cookies.set("pathways_oidc", remembered, domain="127.0.0.1", path="/login/oidc")
    replayed = browser.get(back)

    assert replayed.status_code == 401  # the code was spent: the token endpoint says no


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"aud": "someone-else"}, id="wrong-audience"),
        pytest.param({"iss": "https://elsewhere.example"}, id="wrong-issuer"),
        pytest.param({"exp": int(time.time()) - 600}, id="expired"),
        pytest.param({"nonce": "n-2"}, id="replayed-other-nonce"),
        pytest.param({"nonce": None}, id="no-nonce"),
    ],
)
def test_an_id_token_is_refused(oidc_env: OidcFactory, changes):
    env = oidc_env()
    settings = provider_settings(env.provider.issuer)
    assert oidc.verify_id_token(settings, env.provider.mint(_id_claims(env)), nonce="n-1")

    with pytest.raises(oidc.ProviderRefused):
        oidc.verify_id_token(settings, env.provider.mint(_id_claims(env, **changes)), nonce="n-1")


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(oidc_env: OidcFactory):
    env = oidc_env()
    settings = provider_settings(env.provider.issuer)
    forged = env.provider.mint(_id_claims(env), key=new_key(env.provider.keys[0].kid))

    with pytest.raises(oidc.ProviderRefused):
        oidc.verify_id_token(settings, forged, nonce="n-1")


def test_an_algorithm_off_the_allow_list_is_refused(oidc_env: OidcFactory):
    env = oidc_env()
    settings = provider_settings(env.provider.issuer, algorithms=["ES256"])

    with pytest.raises(oidc.ProviderRefused):
        oidc.verify_id_token(settings, env.provider.mint(_id_claims(env)), nonce="n-1")


def test_after_key_rotation_sign_in_goes_on_and_the_old_key_is_refused(oidc_env: OidcFactory):
    env = oidc_env(jwks_refetch_seconds=0)  # rotated a moment after the last fetch
    env.sign_in("k-1001")  # Pathways now holds the JWKS with key-1
    settings = provider_settings(env.provider.issuer)
    old_key = env.provider.keys[0]

    env.provider.rotate("key-2")

    env.sign_in("k-1002")  # an ID token signed with key-2: the JWKS is fetched again
    with pytest.raises(oidc.ProviderRefused):
        oidc.verify_id_token(settings, env.provider.mint(_id_claims(env), key=old_key), nonce="n-1")


def test_an_answer_naming_another_issuer_is_refused(oidc_env: OidcFactory):
    env = oidc_env()
    browser = env.browser()
    back = urlsplit(_callback(env, browser, "k-1001"))
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    assert query["iss"] == env.provider.issuer  # the provider says who answers (RFC 9207)
    query["iss"] = "https://elsewhere.example"

    assert browser.get(f"{back.path}?{urlencode(query)}").status_code == 401
    assert browser.get("/api/session").status_code == 401


def test_unknown_keys_fetch_the_jwks_again_at_most_once_in_a_while(oidc_env: OidcFactory):
    env = oidc_env(jwks_refetch_seconds=600)
    env.sign_in("k-1001")  # fetched now
    env.provider.rotate("key-2")
    browser = env.browser()

    answer = env.log_in_at_provider(browser, env.start_sign_in(browser), "k-1002")

    assert answer.status_code == 401  # key-2 is unknown and the JWKS is not fetched yet
