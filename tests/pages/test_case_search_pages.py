"""The case list and the client's page: plain HTTP as a browser without JavaScript, and
Chromium on a phone-sized screen.

Seeded (tests/api/conftest.py): C-1 in Barsby and C-2 in Ostby wait for guidance.
"""

from __future__ import annotations

import pytest

from pathways.cases import service as cases
from pathways.people.actors import Actor
from tests import factories
from tests.conftest import CHROMIUM
from tests.pages.test_browser import chromium, log_in, shot  # noqa: F401 - fixture

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright_api.expect
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")


def more_cases(site):
    with site.db.tx() as s:
        factories.deploy(s, site.settings, "intake")
        factories.start(s, site.settings, "intake", reference="C-1")
        gone = factories.start(s, site.settings, "handoff", reference="C-30")
        cases.cancel(s, instance_id=gone.id, actor=Actor.operator(), settings=site.settings)


def test_the_case_list_filters_by_reference_and_state_without_javascript(site):
    more_cases(site)
    anna = site.as_user("anna")
    page = anna.get("/cases?reference=c-3&state=cancelled")
    assert page.status_code == 200
    assert "1 case found." in page.text and "C-30" in page.text and "C-2" not in page.text
    every = anna.get("/cases")
    assert "3 cases found." in every.text and 'href="/clients/C-1"' in every.text


def test_the_case_list_shows_another_municipalitys_caseworker_nothing_of_barsby(site):
    more_cases(site)
    olli = site.as_user("olli").get("/cases?reference=C")
    assert "1 case found." in olli.text and "C-2" in olli.text and "C-1" not in olli.text


def test_a_day_that_is_not_a_day_is_explained_in_the_page_language(site):
    answer = site.as_user("anna", "fi").get("/cases?opened_from=2026-13-01")
    assert answer.status_code == 422
    alert = answer.text.split('id="filter-error">')[1].split("</p>")[0]
    assert alert == "Tarkista hakuehdot: päivämäärät kirjoitetaan muodossa 2026-12-01."


def test_the_client_page_is_not_found_for_a_client_served_elsewhere(site):
    olli = site.as_user("olli")
    hidden, missing = olli.get("/clients/C-1"), olli.get("/clients/C-999")
    assert hidden.status_code == missing.status_code == 404
    main = hidden.text.split("<main")[1]
    assert "C-1" not in main and main == missing.text.split("<main")[1]


def test_starting_a_second_case_asks_for_confirmation_first(site):
    anna = site.as_user("anna")
    fields = {"pathway": "handoff", "reference": "C-1", "municipality": "barsby"}
    first = anna.post_form("/cases/new", fields, page="/cases/new")
    assert first.status_code == 409 and 'name="duplicate"' in first.text
    second = anna.post_form("/cases/new", {**fields, "duplicate": "confirmed"}, page="/cases/new")
    assert second.status_code == 303
    assert "2 cases found." in anna.get("/cases?reference=C-1").text


@needs_chromium
@pytest.mark.browser
def test_a_caseworker_finds_a_case_on_a_phone_and_opens_the_clients_page(site, chromium):  # noqa: F811
    more_cases(site)
    anna = chromium("anna", phone=True)
    log_in(anna, site.url, "anna")
    anna.get_by_role("link", name="Cases").click()
    anna.get_by_label("Client reference").fill("c-1")
    anna.get_by_label("State").select_option("running")
    anna.get_by_role("button", name="Search").click()
    expect(anna.locator("#case-count")).to_have_text("2 cases found.")
    shot(anna, "cases-on-a-phone")
    anna.get_by_role("link", name="C-1").first.click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Client C-1")
    expect(anna.locator("table.cases tbody tr")).to_have_count(2)
    expect(anna.locator("main")).to_contain_text("Intake between two organisations")
    shot(anna, "client-page-on-a-phone")
    anna.locator("table.cases a").first.click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Case of C-1")
