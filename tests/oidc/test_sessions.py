"""How long a provider's word lasts: removed users, logout, back-channel logout, integrators."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select, update

from pathways import clock
from pathways.audit.models import AuditEvent
from pathways.people import oidc_accounts, tokens
from pathways.people.models import LoginSession, User
from tests.oidc.conftest import ACCOUNTS, OidcFactory
from tests.oidc.provider import API_AUDIENCE


def _confirm_logout_at_provider(client: httpx.Client, page: httpx.Response) -> httpx.Response:
    """Press "Yes, sign me out" on the provider's logout page."""
    form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', page.text, re.S)
    assert form is not None, page.text
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    return client.post(
        httpx.URL(str(page.url)).join(form.group(1)),
        data={**fields, "logout": "yes"},
        follow_redirects=True,
    )


def _until(condition, budget: float = 10.0) -> bool:
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_user_the_provider_removed_loses_access_at_the_next_check(oidc_env: OidcFactory, db):
    env = oidc_env(recheck_minutes=0)  # ask the provider on every request
    browser = env.sign_in("k-1001")
    assert browser.get("/api/tasks").status_code == 200

    env.provider.set_accounts({k: v for k, v in ACCOUNTS.items() if k != "k-1001"})

    assert browser.get("/api/tasks").status_code == 401
    assert browser.get("/api/session").status_code == 401
    with db.tx() as s:
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "login.ended_by_provider"))


def _kept_token(db) -> str:
    with db.tx() as s:
        return s.scalar(
            select(LoginSession.provider_token).where(LoginSession.provider.is_not(None))
        )


def test_an_expired_provider_token_is_refreshed_until_the_provider_refuses(
    oidc_env: OidcFactory, db
):
    env = oidc_env(recheck_minutes=0, access_token_ttl=2)
    browser = env.sign_in("k-1001")
    first = _kept_token(db)
    assert first.count(".") == 4  # kept as JWE, not in clear
    access = oidc_accounts._unseal(env.settings, first)
    me = env.provider.issuer + "/me"
    # Wait until the provider's access token has expired (its refresh token has not).
    assert _until(
        lambda: httpx.get(me, headers={"Authorization": f"Bearer {access}"}).status_code == 401
    )

    assert browser.get("/api/tasks").status_code == 200  # refreshed, then asked
    assert _kept_token(db) != first
    assert browser.get("/api/tasks").status_code == 200

    env.provider.set_accounts({k: v for k, v in ACCOUNTS.items() if k != "k-1001"})
    assert _until(lambda: browser.get("/api/tasks").status_code == 401)


def test_a_user_who_lost_the_group_loses_access_at_the_next_check(oidc_env: OidcFactory, db):
    env = oidc_env(recheck_minutes=0)
    browser = env.sign_in("k-1001")
    accounts = dict(ACCOUNTS)
    accounts["k-1001"] = {**accounts["k-1001"], "groups": ["staff"]}
    env.provider.set_accounts(accounts)

    assert browser.get("/api/tasks").status_code == 401
    with db.tx() as s:
        assert s.scalar(select(User.roles).where(User.login == "kaisa")) == []
        assert s.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "user.withdrawn_by_provider")
        )


def test_a_user_removed_from_the_group_cannot_sign_in_again(oidc_env: OidcFactory, db):
    env = oidc_env()
    first = env.sign_in("k-1001")
    accounts = dict(ACCOUNTS)
    accounts["k-1001"] = {**accounts["k-1001"], "groups": ["staff"]}
    env.provider.set_accounts(accounts)

    browser = env.browser()
    answer = env.log_in_at_provider(browser, env.start_sign_in(browser), "k-1001")

    assert answer.status_code == 403
    assert first.get("/api/tasks").status_code == 401  # the earlier session ended too
    with db.tx() as s:
        assert s.scalar(select(User.roles).where(User.login == "kaisa")) == []


def test_logout_ends_the_session_and_the_providers(oidc_env: OidcFactory):
    env = oidc_env()
    browser = env.sign_in("k-1001")
    page = browser.get("/")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None

    answer = browser.post("/logout", data={"csrf_token": csrf.group(1)})

    # A page of Pathways that moves on to the provider (its forms may only post to itself).
    assert answer.status_code == 200
    link = re.search(r'id="provider-logout"[^>]*href="([^"]+)"', answer.text)
    assert link is not None, answer.text
    location = html.unescape(link.group(1))
    assert f'http-equiv="refresh" content="0;url={link.group(1)}"' in answer.text
    assert location.startswith(env.provider.issuer + "/session/end?")
    assert "client_id=pathways" in location
    assert browser.get("/api/session").status_code == 401
    done = _confirm_logout_at_provider(browser, browser.get(location))
    assert str(done.url).startswith(env.url + "/login")
    # Signed out at the provider too: signing in asks for the login again.
    env.start_sign_in(browser)


def test_back_channel_logout_ends_the_sessions_the_provider_names(oidc_env: OidcFactory, db):
    env = oidc_env()
    browser = env.sign_in("k-1001")
    other = env.sign_in("k-1002")

    # Kaisa signs out at the provider (from another application, say).
    page = browser.get(env.provider.issuer + "/session/end", params={"client_id": "pathways"})
    _confirm_logout_at_provider(browser, page)

    assert _until(lambda: browser.get("/api/tasks").status_code == 401)
    assert other.get("/api/tasks").status_code == 200
    with db.tx() as s:
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "logout.backchannel"))


def test_a_logout_token_that_is_not_the_providers_is_refused(oidc_env: OidcFactory):
    env = oidc_env()
    browser = env.sign_in("k-1001")
    now = int(time.time())
    claims = {"iss": env.provider.issuer, "aud": "pathways", "iat": now, "exp": now + 60}
    not_logout = env.provider.mint({**claims, "sub": "k-1001"})  # no logout event
    garbage = "not-a-token"

    for token in (not_logout, garbage):
        answer = httpx.post(
            env.url + "/api/oidc/westland/backchannel-logout", data={"logout_token": token}
        )
        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
    assert browser.get("/api/tasks").status_code == 200


def test_an_integrator_presents_a_client_credentials_token(oidc_env: OidcFactory):
    env = oidc_env()
    token = env.integrator_token()

    answer = httpx.get(env.url + "/api/tasks", headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == 200, answer.text


def test_access_tokens_of_unmapped_clients_or_for_other_audiences_are_refused(
    oidc_env: OidcFactory,
):
    env = oidc_env()
    stranger = env.integrator_token("stranger")
    now = int(time.time())
    claims = {"iss": env.provider.issuer, "client_id": "integrator", "iat": now}
    other_audience = env.provider.mint({**claims, "aud": "urn:other", "exp": now + 60})
    expired = env.provider.mint({**claims, "aud": API_AUDIENCE, "exp": now - 600})

    for token, status in ((stranger, 403), (other_audience, 401), (expired, 401)):
        answer = httpx.get(env.url + "/api/tasks", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == status, answer.text


def test_local_passwords_can_be_switched_off(oidc_env: OidcFactory):
    env = oidc_env(local_passwords=False)
    browser = env.browser()

    page = browser.get("/login")
    answer = browser.post("/api/session", json={"login": "anna", "password": "pathways-demo"})

    assert 'name="password"' not in page.text
    assert "/login/oidc/westland" in page.text
    assert answer.status_code == 403
    env.sign_in("k-1001", browser)


def test_admins_see_where_each_account_comes_from(oidc_env: OidcFactory, db):
    env = oidc_env()
    env.sign_in("k-1001")
    with db.tx() as s:
        admin = s.scalar(select(User).where(User.login == "admin"))
        token = tokens.issue(s, login=admin.login)

    users = httpx.get(env.url + "/api/users", headers={"Authorization": f"Bearer {token}"})

    origins = {u["login"]: (u["origin"], u["subject"]) for u in users.json()}
    assert origins["kaisa"] == ("westland", "k-1001")
    assert origins["anna"] == ("local", None)


def test_the_command_line_lists_each_accounts_origin(oidc_env: OidcFactory, db, tmp_path):
    env = oidc_env()
    env.sign_in("k-1001")
    command = [str(Path(sys.executable).parent / "pathways"), "users", "list"]
    run_env = {**os.environ, "PATHWAYS_DATABASE_URL": db.url}

    listed = subprocess.run(
        command, env=run_env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    as_json = subprocess.run(
        [*command, "--json"], env=run_env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith("kaisa"))
    assert row.split()[-1] == "westland:k-1001"
    kaisa = next(u for u in json.loads(as_json.stdout) if u["login"] == "kaisa")
    assert (kaisa["origin"], kaisa["subject"]) == ("westland", "k-1001")


def test_of_requests_arriving_together_when_a_recheck_is_due_one_asks_the_provider(
    oidc_env: OidcFactory, db
):
    env = oidc_env(recheck_minutes=10)
    browser = env.sign_in("k-1001")
    with db.tx() as s:
        s.execute(
            update(LoginSession)
            .where(LoginSession.provider.is_not(None))
            .values(checked_at=clock.now() - timedelta(hours=1))
        )
    refreshes = env.provider.log_text().count("grant.success refresh_token")

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: browser.get("/api/tasks").status_code, range(12)))

    assert answers == [200] * 12
    assert _until(lambda: "grant.success refresh_token" in env.provider.log_text())
    assert env.provider.log_text().count("grant.success refresh_token") == refreshes + 1


def test_a_stale_logout_token_without_expiry_is_refused_and_a_fresh_one_ends_the_sessions(
    oidc_env: OidcFactory,
):
    env = oidc_env()
    browser = env.sign_in("k-1001")
    now = int(time.time())
    claims = {
        "iss": env.provider.issuer,
        "aud": "pathways",
        "sub": "k-1001",
        "jti": "j-1",
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
    }
    endpoint = env.url + "/api/oidc/westland/backchannel-logout"

    stale = env.provider.mint({**claims, "iat": now - 3600})
    assert httpx.post(endpoint, data={"logout_token": stale}).status_code == 400
    assert browser.get("/api/tasks").status_code == 200

    fresh = env.provider.mint({**claims, "iat": now})  # by subject: every session of Kaisa's
    assert httpx.post(endpoint, data={"logout_token": fresh}).status_code == 200
    assert browser.get("/api/tasks").status_code == 401


def test_while_the_provider_cannot_be_reached_a_due_recheck_refuses_and_is_asked_again(
    oidc_env: OidcFactory, db
):
    env = oidc_env(recheck_minutes=0)
    browser = env.sign_in("k-1001")
    env.provider.stop()

    assert browser.get("/api/tasks").status_code == 401
    with db.tx() as s:
        kept = s.scalars(select(LoginSession).where(LoginSession.provider.is_not(None))).one()
        assert kept.revoked_at is None and kept.checked_at is None  # the next request asks
        assert s.scalar(select(User.roles).where(User.login == "kaisa")) == ["caseworker"]
