"""In Chromium: a manager reopens a completed step after confirming with a reason."""

from __future__ import annotations

import pytest

from pathways.tasks import service as tasks
from tests import factories
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ONE_BACKEND
from tests.pages.test_browser import shot
from tests.record.cases import ASSESSMENT, task_id

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    ONE_BACKEND,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = playwright_api.expect


def test_a_manager_reopens_a_completed_step_after_confirming(
    site, playwright_driver, tmp_path, frozen_clock
):
    with site.db.tx() as s:
        factories.deploy(s, site.settings, "reopen")
        case_id = factories.start(s, site.settings, "reopen_case", reference="R-1").id
    assessment = task_id(site.db, case_id, "assessment")
    with site.db.tx() as s:
        tasks.complete(
            s,
            task_id=assessment,
            data=ASSESSMENT,
            actor=factories.actor(s, "ville"),
            settings=site.settings,
        )
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
        context.route(lambda url: not url.startswith(site.url), lambda route: route.abort())
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{site.url}/tasks/{assessment}")
        page.get_by_label("User name").fill("maija")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Reopen this step").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Reopen this step")
        page.get_by_role("button", name="Confirm and reopen").click()
        expect(page.get_by_role("alert")).to_contain_text("Give the reason")
        page.get_by_label("Reason for reopening").fill("The client <b>moved</b>")
        shot(page, "reopen-01-confirm")
        page.get_by_role("button", name="Confirm and reopen").click()
        reopened = page.locator("section", has=page.get_by_role("heading", name="Reopened"))
        expect(reopened).to_contain_text("Reopened by maija")
        expect(reopened).to_contain_text("The client <b>moved</b>")  # shown as text
        expect(page.get_by_role("link", name="Reopen this step")).to_have_count(0)
        shot(page, "reopen-02-reopened")
        assert errors == []

        # A caseworker of the same organisation sees the step, not the button.
        with site.db.tx() as s:
            tasks.complete(
                s,
                task_id=assessment,
                data=ASSESSMENT,
                actor=factories.actor(s, "ville"),
                settings=site.settings,
            )
        other = browser.new_context(locale="en-GB").new_page()
        other.goto(f"{site.url}/tasks/{assessment}")
        other.get_by_label("User name").fill("ville")
        other.get_by_label("Password").fill("correct horse battery")
        other.get_by_role("button", name="Log in").click()
        expect(other.get_by_role("heading", name="Answers recorded")).to_be_visible()
        expect(other.get_by_role("link", name="Reopen this step")).to_have_count(0)
    finally:
        browser.close()
