"""Logging in and out, sessions that end, tokens that are revoked, and CSRF on changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.audit.models import AuditEvent
from pathways.people import service as people
from pathways.people import tokens
from pathways.people.passwords import DEMO_PASSWORD
from tests.api.conftest import PASSWORD


def is_problem(answer, status):
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_a_caller_without_credentials_is_told_to_log_in(api):
    body = is_problem(api.anonymous().get("/api/tasks"), 401)
    assert "log in" in body["detail"]


def test_logging_in_sets_a_hardened_session_cookie(api):
    client = api.anonymous()
    answer = client.post("/api/session", json={"login": "anna", "password": PASSWORD})
    assert answer.status_code == 200
    assert answer.json()["user"]["login"] == "anna" and answer.json()["csrf_token"]
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # served over plain http here
    assert client.get("/api/session").json()["user"]["organisation"] == "barsby"


def test_a_wrong_password_and_an_unknown_login_read_the_same(api):
    client = api.anonymous()
    wrong = client.post("/api/session", json={"login": "anna", "password": "not it at all"})
    unknown = client.post("/api/session", json={"login": "nobody", "password": "not it at all"})
    assert is_problem(wrong, 401)["detail"] == is_problem(unknown, 401)["detail"]
    assert "set-cookie" not in wrong.headers


def test_repeated_failures_for_a_login_are_throttled(api):
    client = api.anonymous()
    limit = api.settings.web.login_failures_per_login
    for _ in range(limit):
        client.post("/api/session", json={"login": "anna", "password": "guess guess guess"})
    throttled = client.post("/api/session", json={"login": "anna", "password": PASSWORD})
    is_problem(throttled, 429)
    assert int(throttled.headers["retry-after"]) > 0


def test_the_demo_password_works_only_in_demo_mode(api):
    with api.db.tx() as s:
        people.set_password(s, login="anna", password=DEMO_PASSWORD)
    answer = api.anonymous().post("/api/session", json={"login": "anna", "password": DEMO_PASSWORD})
    is_problem(answer, 401)


def test_logging_out_ends_the_session(api):
    client = api.browser("anna")
    assert client.delete("/api/session").status_code == 204
    is_problem(client.get("/api/tasks"), 401)


def test_logging_in_again_rotates_the_session(api):
    client = api.browser("anna")
    old = client.cookies["pathways_session"]
    client.post("/api/session", json={"login": "anna", "password": PASSWORD})
    assert client.cookies["pathways_session"] != old
    stale = api.anonymous()
    stale.cookies.set("pathways_session", old)
    is_problem(stale.get("/api/tasks"), 401)


@pytest.mark.parametrize(
    ("idle", "expected"),
    [(timedelta(minutes=29), 200), (timedelta(minutes=31), 401)],
    ids=["within-idle-timeout", "past-idle-timeout"],
)
def test_a_session_ends_after_its_idle_timeout(api, idle, expected):
    with clock.frozen(datetime(2026, 11, 23, 7, 0, tzinfo=UTC)) as frozen:
        client = api.browser("anna")
        frozen.advance(idle)
        assert client.get("/api/tasks").status_code == expected


def test_a_session_ends_at_its_absolute_age_however_busy(api):
    start = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    hours = api.settings.web.session_absolute_hours
    with clock.frozen(start) as frozen:
        client = api.browser("anna")
        for _ in range(hours * 3 + 3):  # a request every 20 minutes keeps it from going idle
            frozen.advance(timedelta(minutes=20))
            if client.get("/api/tasks").status_code != 200:
                break
        assert frozen.moment - start > timedelta(hours=hours)
        assert frozen.moment - start <= timedelta(hours=hours, minutes=20)
        is_problem(client.get("/api/tasks"), 401)


def test_deactivating_a_user_ends_their_sessions_and_tokens(api):
    browser, integrator = api.browser("anna"), api.integrator("anna")
    admin = api.browser("admin")
    assert admin.patch("/api/users/anna", json={"active": False}).status_code == 200
    is_problem(browser.get("/api/tasks"), 401)
    is_problem(integrator.get("/api/tasks"), 401)


def test_a_revoked_token_is_refused(api):
    client = api.integrator("anna")
    assert client.get("/api/tasks").status_code == 200
    with api.db.tx() as s:
        tokens.revoke_all(s, login="anna")
    is_problem(client.get("/api/tasks"), 401)


def test_a_change_with_a_session_cookie_needs_its_csrf_token(api):
    client = api.browser("anna")
    task_id = client.get("/api/tasks").json()[0]["id"]
    del client.headers["X-CSRF-Token"]
    is_problem(client.post(f"/api/tasks/{task_id}/claim"), 403)
    client.headers["X-CSRF-Token"] = "0" * 64
    is_problem(client.post(f"/api/tasks/{task_id}/claim"), 403)
    assert client.get(f"/api/tasks/{task_id}").json()["assignee"] is None


def test_a_bearer_token_needs_no_csrf_token(api):
    client = api.integrator("anna")
    task_id = client.get("/api/tasks").json()[0]["id"]
    assert client.post(f"/api/tasks/{task_id}/claim").json()["assignee"] == "anna"


def test_logins_and_failures_are_audited(api):
    api.browser("anna")
    api.anonymous().post("/api/session", json={"login": "anna", "password": "nope nope nope"})
    with api.db.tx() as s:
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert "login" in actions and "login.failed" in actions


def test_repeated_failures_from_one_address_are_throttled_across_logins(api):
    client = api.anonymous()
    for n in range(api.settings.web.login_failures_per_address):
        client.post("/api/session", json={"login": f"guess-{n}", "password": "guess guess guess"})
    is_problem(client.post("/api/session", json={"login": "anna", "password": PASSWORD}), 429)
