"""An administrator's and a caseworker's main jobs in Chromium: create a user, issue and
revoke their API token, filter the audit log and download it as CSV, print a client's
access report; and the API documentation drawn with no network but this service."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from pathways.web.api_docs import swagger_built
from tests.browser.conftest import ARTIFACTS, log_in
from tests.conftest import ONE_BACKEND

pytestmark = ONE_BACKEND


def _csp_errors(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "Content Security Policy" in m.text and found.append(m.text)
        ),
    )
    return found


def test_an_admin_creates_a_user_and_issues_and_revokes_their_token(page, live):
    blocked = _csp_errors(page)
    log_in(page, live, login="admin", path="/admin")
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_label("User name").fill("nora")
    page.get_by_label("Name", exact=True).fill("Nora Nieminen")
    page.get_by_label("Organisation").select_option("westland-ea")
    page.get_by_label("Caseworker").check()
    page.get_by_label("Password").fill("long enough password")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("status")).to_have_text("The user was created.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nora Nieminen")

    page.get_by_role("button", name="Issue a token").click()
    token = page.get_by_label("New API token").input_value()
    assert token.startswith("pwt_")
    page.screenshot(path=str(ARTIFACTS / "admin-token-issued.png"), full_page=True)
    assert (
        httpx.get(live.url + "/api/tasks", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    page.get_by_role("button", name=re.compile(r"^Revoke")).click()
    expect(page.get_by_role("cell", name=re.compile(r"^Revoked"))).to_be_visible()
    assert (
        httpx.get(live.url + "/api/tasks", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    assert blocked == []


def test_an_admin_filters_the_audit_log_and_downloads_it(page, live):
    anna = live.browser("anna")
    assert (
        anna.get("/api/instances/1", headers={"X-Purpose": "checking the plan"}).status_code == 200
    )
    log_in(page, live, login="admin", path="/audit")
    page.get_by_label("Client reference").fill("C-1")
    page.get_by_label("Action").fill("case.read")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"client=C-1"))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("anna")
    expect(rows.first).to_contain_text("checking the plan")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    exported = list(csv.reader(io.StringIO(text)))
    assert [row[3] for row in exported[1:]] == ["case.read"]
    assert exported[1][2] == "anna"


def test_a_caseworker_prints_a_clients_access_report(page, live):
    blocked = _csp_errors(page)
    page.add_init_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    live.browser("ville").get("/api/instances/1", headers={"X-Purpose": "benefit decision"})
    log_in(page, live, login="anna", path="/cases/1")
    page.get_by_role("link", name=re.compile("Who has read the client's data")).click()
    expect(page.get_by_role("heading", name="Who has read your data")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Ville Virtanen"))).to_contain_text(
        "benefit decision"
    )
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "access-report-print.png"), full_page=True)
    assert blocked == []


@pytest.mark.skipif(not swagger_built(), reason="Swagger UI is not built (make assets)")
def test_the_api_documentation_is_drawn_offline(page, live):
    blocked = _csp_errors(page)
    page.goto(live.url + "/docs")  # every request elsewhere is aborted by the fixture
    expect(page.locator(".swagger-ui .title").first).to_contain_text("Pathways")
    expect(page.locator(".opblock-summary-path", has_text="/api/tasks").first).to_be_visible()
    assert blocked == []


def test_a_refused_page_keeps_the_header_and_navigation(page, live):
    log_in(page, live, login="anna", path="/users")
    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Inbox")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
