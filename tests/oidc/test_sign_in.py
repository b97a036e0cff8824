"""Staff sign in with their organisation's OpenID provider: a real one, run by node."""

from __future__ import annotations

from sqlalchemy import select

from pathways.people.models import User
from tests.oidc.conftest import ACCOUNTS, OidcFactory


def _user(db, login: str) -> User | None:
    with db.tx() as s:
        user = s.scalar(select(User).where(User.login == login))
        if user is not None:
            s.expunge(user)
        return user


def test_a_caseworker_signs_in_and_gets_an_account_from_the_claims(oidc_env: OidcFactory, db):
    env = oidc_env()
    browser = env.sign_in("k-1001")

    me = browser.get("/api/session").json()["user"]
    assert me == {
        "login": "kaisa",
        "name": "Kaisa Korhonen",
        "organisation": "westland-ea",
        "roles": ["caseworker"],  # `domain-admins` maps to nothing, so gives nothing
        "active": True,
        "origin": "westland",
        "subject": "k-1001",
    }
    assert browser.get("/api/tasks").status_code == 200
    assert browser.get("/api/users").status_code == 403


def test_claims_map_to_every_role_the_mapping_names_and_follow_changes(oidc_env: OidcFactory, db):
    env = oidc_env()
    env.sign_in("k-1002")
    assert _user(db, "mikko").roles == ["caseworker", "manager"]

    accounts = dict(ACCOUNTS)
    accounts["k-1002"] = {**accounts["k-1002"], "groups": ["pw-managers"], "name": "M. Mäkinen"}
    env.provider.set_accounts(accounts)
    env.sign_in("k-1002")

    user = _user(db, "mikko")
    assert (user.roles, user.name, user.origin, user.subject) == (
        ["manager"],
        "M. Mäkinen",
        "westland",
        "k-1002",
    )


def test_a_person_without_a_mapped_group_gets_no_account(oidc_env: OidcFactory, db):
    env = oidc_env()
    browser = env.browser()
    answer = env.log_in_at_provider(browser, env.start_sign_in(browser), "k-1004")

    assert answer.status_code == 403
    assert "Westland ID" in answer.text
    assert _user(db, "sanna") is None
    assert browser.get("/api/session").status_code == 401


def test_a_provider_cannot_take_over_a_local_account_of_the_same_login(oidc_env: OidcFactory, db):
    env = oidc_env()
    browser = env.browser()
    answer = env.log_in_at_provider(browser, env.start_sign_in(browser), "k-1003")

    assert answer.status_code == 403
    anna = _user(db, "anna")
    assert (anna.origin, anna.subject, anna.name) == ("local", None, anna.name)
    assert browser.get("/api/session").status_code == 401


def test_a_provider_that_does_not_answer_leaves_the_login_page_with_a_reason(
    oidc_env: OidcFactory,
):
    env = oidc_env()
    env.provider.stop()
    browser = env.browser()

    answer = browser.get("/login/oidc/westland")

    assert answer.status_code == 502
    assert "Westland ID" in answer.text and 'id="login-error"' in answer.text


def test_an_unknown_provider_is_not_found(oidc_env: OidcFactory):
    env = oidc_env()
    assert env.browser().get("/login/oidc/elsewhere").status_code == 404
