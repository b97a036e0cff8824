"""In Chromium: the county opens its step and reads what the employment area shared,
completes it, and reads its own answers and whom they went to."""

from __future__ import annotations

import re

import pytest

from pathways.tasks import service as tasks
from tests import factories
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ONE_BACKEND
from tests.pages.test_browser import shot
from tests.record.cases import ASSESSMENT, start, task_id

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    ONE_BACKEND,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = playwright_api.expect


def test_a_step_shows_what_was_shared_with_it_and_once_done_its_own_answers(
    site, playwright_driver, tmp_path, frozen_clock
):
    case_id = start(site.db, site.settings)
    with site.db.tx() as s:
        tasks.complete(
            s,
            task_id=task_id(site.db, case_id, "assessment"),
            data=ASSESSMENT,
            actor=factories.actor(s, "ville"),
            settings=site.settings,
        )
    county = task_id(site.db, case_id, "county")
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
        context.route(lambda url: not url.startswith(site.url), lambda route: route.abort())
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{site.url}/tasks/{county}")
        page.get_by_label("User name").fill("helmi")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        shared = page.locator("section.shared")
        expect(shared.get_by_role("heading", level=2)).to_have_text(
            "What others shared with you for this step"
        )
        expect(shared).to_contain_text("Request to the wellbeing services county")
        expect(shared).to_contain_text("Support with housing")
        expect(shared).not_to_contain_text("Talked about work and family")
        shot(page, "record-01-shared-with-the-county")

        page.get_by_label("County services in the plan").fill("Social work <b>weekly</b>")
        page.get_by_role("textbox", name="Notes", exact=True).fill("Home visits")
        page.get_by_role("button", name="Complete").click()
        page.get_by_role("button", name="Confirm and complete").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Shared with Westland employment area: County services in the plan"
        )
        answers = page.locator("section", has=page.get_by_role("heading", name="Answers recorded"))
        expect(answers).to_contain_text("Social work <b>weekly</b>")  # shown as text
        expect(answers).to_contain_text("Home visits")
        expect(page).to_have_url(re.compile(rf"/tasks/{county}\?opened="))
        shot(page, "record-02-answers-recorded")
        assert errors == []
    finally:
        browser.close()
