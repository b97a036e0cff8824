"""Administrators manage people, organisations and the audit log in the browser (plain
HTTP here, as a browser without JavaScript does); everyone else meets the 403 page."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest

from pathways import clock
from pathways.audit import service as audit
from pathways.clock import HELSINKI
from tests.pages.test_languages import english_left

LANGS = ("fi", "sv", "en")

ADMIN_PAGES = (
    "/admin",
    "/users",
    "/users/anna",
    "/organisations",
    "/organisations/barsby",
    "/audit",
)
ADMIN_FORMS = (
    ("/users", {"login": "x1", "organisation": "barsby", "roles": "caseworker"}),
    ("/users/anna", {"name": "Mallory", "organisation": "barsby", "roles": "admin"}),
    ("/users/anna/active", {"active": "false"}),
    ("/users/anna/password", {"password": "a brand new password"}),
    ("/users/anna/tokens", {}),
    ("/organisations", {"code": "x2", "name": "X", "kind": "municipality"}),
    ("/organisations/barsby", {"name": "Taken over", "kind": "municipality"}),
    ("/organisations/barsby/closed-days", {"day": "2026-12-31"}),
)


def _token_on(html: str) -> str:
    found = re.search(r'id="new-token" readonly value="([^"]+)"', html)
    assert found, "no new token on the page"
    return found.group(1)


@pytest.mark.parametrize("login", ["anna", "mari", "dana"])
def test_only_administrators_open_the_admin_pages_and_the_refusal_keeps_the_header(site, login):
    person = site.as_user(login)
    for path in ADMIN_PAGES + ("/audit/export.csv",):
        answer = person.get(path)
        assert answer.status_code == 403, path
        assert "You cannot open this page" in answer.text
        assert "Log out" in answer.text and 'class="main-nav"' in answer.text, path
    for path, form in ADMIN_FORMS:
        assert person.post_form(path, form).status_code == 403, path
    admin = site.as_user("admin")
    assert admin.get("/users/anna").status_code == 200
    assert "Mallory" not in admin.get("/users").text
    assert "Taken over" not in admin.get("/organisations").text


def test_an_admin_starts_on_the_administration_page(site):
    admin = site.as_user("admin")
    start = admin.get("/")
    assert start.url.path == "/admin"
    for link in ("/users", "/organisations", "/audit", "/docs"):
        assert f'href="{link}"' in start.text


def test_an_admin_creates_a_user_who_then_logs_in_and_can_be_deactivated(site):
    admin = site.as_user("admin")
    created = admin.post_form(
        "/users",
        {
            "login": "nora",
            "name": "Nora Nieminen",
            "email": "nora@example.org",
            "organisation": "westland-ea",
            "roles": ["caseworker", "manager"],
            "password": "long enough password",
        },
    )
    assert created.status_code == 303 and created.headers["location"] == "/users/nora?created=1"
    page = admin.get(created.headers["location"]).text
    assert "Nora Nieminen" in page and "The user was created." in page
    nora = site.browser().log_in("nora", "long enough password")
    assert nora.get("/").status_code == 200

    admin.post_form(
        "/users/nora", {"name": "Nora N.", "organisation": "barsby", "roles": "caseworker"}
    )
    row = admin.get("/users").text.split('href="/users/nora"')[1].split("</tr>")[0]
    assert "Nora N." in row and "Barsby" in row and "Manager" not in row
    admin.post_form("/users/nora/active", {"active": "false"})
    assert nora.http.get("/").status_code == 303  # the session ended with the deactivation
    assert "Deactivated" in admin.get("/users/nora").text
    admin.post_form("/users/nora/active", {"active": "true"})
    admin.post_form("/users/nora/password", {"password": "another long password"})
    site.browser().log_in("nora", "another long password")

    actions = admin.get("/audit?actor=admin").text
    for action in (
        "user.created",
        "user.changed",
        "user.deactivated",
        "user.activated",
        "user.password_set",
    ):
        assert action in actions


def test_a_form_with_bad_input_is_shown_again_with_the_reason(site):
    admin = site.as_user("admin")
    taken = admin.post_form(
        "/users", {"login": "anna", "organisation": "barsby", "roles": "caseworker"}
    )
    assert taken.status_code == 422 and "This user name is taken already." in taken.text
    no_role = admin.post_form("/users", {"login": "zed", "organisation": "barsby"})
    assert no_role.status_code == 422 and 'value="zed"' in no_role.text
    short = admin.post_form("/users/anna/password", {"password": "short"})
    assert short.status_code == 422 and "at least 12 characters" in short.text
    myself = admin.post_form("/users/admin/active", {"active": "false"})
    assert myself.status_code == 422 and "You cannot deactivate yourself" in myself.text
    bad_org = admin.post_form("/organisations", {"code": "Bad Code", "name": "X", "kind": "kela"})
    assert bad_org.status_code == 422
    bad_day = admin.post_form("/organisations/barsby/closed-days", {"day": "31.12.2026"})
    assert bad_day.status_code == 422 and "2026-12-31" in bad_day.text
    assert admin.get("/users/nobody").status_code == 404


def test_a_token_issued_on_the_page_works_until_it_is_revoked(site):
    admin = site.as_user("admin")
    page = admin.post_form("/users/anna/tokens", {}, page="/users/anna")
    assert page.status_code == 200 and "it is shown only once" in page.text
    token = _token_on(page.text)
    api = httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/tasks").status_code == 200
    assert token not in admin.get("/users/anna").text  # shown once, never again
    token_id = re.search(r"/users/anna/tokens/(\d+)/revoke", admin.get("/users/anna").text)
    assert token_id
    admin.post_form(f"/users/anna/tokens/{token_id.group(1)}/revoke", {})
    assert api.get("/api/tasks").status_code == 401
    assert "Revoked" in admin.get("/users/anna").text
    api.close()


def test_an_admin_edits_an_organisations_coverage_and_closed_days(site):
    admin = site.as_user("admin")
    made = admin.post_form(
        "/organisations",
        {
            "code": "northland-ea",
            "name": "Northland employment area",
            "kind": "employment_area",
            "covers": "ostby, ekby",
        },
    )
    assert made.status_code == 303
    page = admin.get("/organisations/northland-ea").text
    assert 'value="ekby, ostby"' in page
    admin.post_form(
        "/organisations/northland-ea",
        {"name": "Northland EA", "kind": "employment_area", "covers": "ekby"},
    )
    assert 'value="ekby"' in admin.get("/organisations/northland-ea").text
    admin.post_form(
        "/organisations/northland-ea/closed-days", {"day": "2026-12-28", "reason": "Office move"}
    )
    page = admin.get("/organisations/northland-ea").text
    assert "Office move" in page and "Dec 28, 2026" in page
    admin.post_form("/organisations/northland-ea/closed-days/2026-12-28/open", {})
    assert "No closed days." in admin.get("/organisations/northland-ea").text


def test_the_audit_log_filters_pages_and_exports_as_csv(site):
    site.as_user("anna").get("/cases/1")  # Barsby's case C-1: a read of client data
    site.as_user("olli").get("/cases/2")
    admin = site.as_user("admin")
    by_client = admin.get("/audit?client=C-1").text
    assert "case.read" in by_client and "/cases/2" not in by_client
    by_case = admin.get("/audit?case=2&action=case.read").text
    assert "olli" in by_case and "anna" not in by_case
    assert "No events match" in admin.get("/audit?since=2000-01-01&until=2000-01-02").text
    today = clock.now().astimezone(HELSINKI).date().isoformat()  # a day in Helsinki
    assert "olli" in admin.get(f"/audit?since={today}&until={today}&action=case.read").text
    assert admin.get("/audit?case=abc").status_code == 422

    with site.db.tx() as s:
        for n in range(60):
            audit.record(
                s, actor="bea", action="test.event", details={"n": n, "note": "=HYPERLINK()"}
            )
    first = admin.get("/audit?action=test.event").text
    older = re.search(r'href="/audit\?([^"]+)" rel="next"', first)
    assert older and first.count("<code>test.event</code>") == 50
    second = admin.get("/audit?" + older.group(1).replace("&amp;", "&")).text
    assert second.count("<code>test.event</code>") == 10

    export = admin.get("/audit/export.csv?action=test.event")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0][:4] == ["id", "at", "actor", "action"] and len(rows) == 61
    assert all(not cell.startswith("=") for row in rows for cell in row)
    looked = admin.get("/audit?action=audit.exported").text
    assert "audit.exported" in looked and "action: test.event" in looked
    assert "audit.viewed" in admin.get("/audit?action=audit.viewed").text


def test_the_api_documentation_needs_no_other_site(site):
    answer = httpx.get(site.url + "/docs")
    assert answer.status_code == 200
    assert "script-src" not in answer.headers["content-security-policy"]  # self only
    assert not re.search(r'(src|href)="(https?:)?//', answer.text)
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', answer.text):
        assert httpx.get(site.url + asset).status_code == 200, asset


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_admin_pages_leave_no_english_text(site, language):
    admin = site.as_user("admin", language=language)
    for path in ADMIN_PAGES + ("/clients/C-1/access-report",):
        html = admin.get(path).text
        assert f'<html lang="{language}">' in html, path
        assert english_left(html, language) == [], f"{path} in {language}"


def test_admins_see_where_each_account_comes_from(site):
    from sqlalchemy import select

    from pathways.people.models import User

    with site.db.tx() as s:
        helmi = s.scalar(select(User).where(User.login == "helmi"))
        assert helmi is not None
        helmi.origin, helmi.subject = "westland-id", "b7f1"
    admin = site.as_user("admin")
    listed = admin.get("/users").text
    assert "Identity provider westland-id" in listed and "Password" in listed
    assert "through the identity provider westland-id" in admin.get("/users/helmi").text
    assert "a password kept by Pathways" in admin.get("/users/anna").text


def test_an_admin_names_an_organisation_in_each_language_and_a_blank_one_falls_back(site):
    admin = site.as_user("admin")
    changed = admin.post_form(
        "/organisations/ekby",
        {
            "name": "Ekby",
            "name_fi": "Ekbyn kaupunki",
            "name_sv": "Ekby stad",
            "name_en": "",
            "kind": "municipality",
            "covers": "ekby",
        },
        page="/organisations/ekby",
    )
    assert changed.status_code == 303
    listed = {lang: site.as_user("admin", lang).get("/organisations").text for lang in LANGS}
    assert ">Ekbyn kaupunki<" in listed["fi"] and ">Ekby stad<" in listed["sv"]
    assert ">Ekby<" in listed["en"]  # no English name: the one name
    assert (
        'name="name_sv" maxlength="200" lang="sv" value="Ekby stad"'
        in admin.get("/organisations/ekby").text
    )
