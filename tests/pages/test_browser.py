"""A case from start to end across three caseworkers of three organisations, in Chromium.

Driven by Playwright against Debian's Chromium; screenshots are kept in tests/artifacts/.
Skipped, with the reason shown, where no Chromium is installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pathways.web.templating import htmx_available
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ONE_BACKEND, TIME_SCALE
from tests.pages.flow import start_three_org_case

HTMX_BUILT = htmx_available()  # `make assets` built it; without it every click reloads
ARTIFACTS = Path(__file__).parents[1] / "artifacts"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    ONE_BACKEND,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = playwright_api.expect


@pytest.fixture
def chromium(tmp_path, playwright_driver) -> Iterator[object]:
    """Opens a fresh browser profile per person; closes them all at the end."""
    console_errors: list[str] = []
    driver = playwright_driver  # one driver for the whole run (see tests/conftest.py)
    contexts = []

    def open_as(login: str, *, phone: bool = False):
        context = driver.chromium.launch_persistent_context(
            user_data_dir=tmp_path / f"profile-{login}-{len(contexts)}",
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            locale="en-GB",
            viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
        )
        # A busy machine may take its time to answer a click; a slow page still fails.
        context.set_default_timeout(30_000 * TIME_SCALE)
        contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        # A blocked inline script or style (CSP) or a failed asset shows up here.
        page.on(
            "console",
            lambda m: m.type == "error" and console_errors.append(f"{m.text} {m.location}"),
        )
        return page

    yield open_as
    for context in contexts:
        context.close()
    # A form sent back with its errors answers 422, a refused page 403, both on purpose;
    # nothing else may fail.
    expected = ("status of 422", "status of 403")
    assert [e for e in console_errors if not any(s in e for s in expected)] == []


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, url: str, login: str) -> None:
    page.goto(f"{url}/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    page.get_by_label("User name").fill(login)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_case_goes_from_start_to_end_across_three_organisations(site, chromium):
    start_three_org_case(site, "SEED-1")  # deploys the pathway; the browser starts its own case

    anna = chromium("anna")
    log_in(anna, site.url, "anna")
    anna.get_by_role("link", name="Start a pathway").click()
    anna.get_by_label("Pathway").select_option("three_orgs")
    anna.get_by_label("Client reference").fill("E2E-1")
    anna.get_by_label("Municipality").select_option("barsby")
    anna.get_by_label("Contact language").fill("ar")
    anna.get_by_label("Swedish").check()
    shot(anna, "01-start-a-pathway")
    anna.get_by_role("button", name="Start the pathway").click()
    expect(anna.get_by_role("heading", name="Case of E2E-1")).to_be_visible()

    anna.get_by_role("link", name="Guidance and advice").click()
    anna.get_by_role("button", name="Complete").click()
    expect(anna.locator("#f-summary-error")).to_have_text("Fill in this field.")
    shot(anna, "02-guidance-with-errors")
    anna.get_by_label("What was discussed").fill("Services explained <b>in Arabic</b>")
    anna.get_by_label("Registered as a jobseeker").check()
    anna.get_by_role("button", name="Complete").click()
    confirm = anna.locator("section.confirm")
    expect(confirm).to_contain_text("What was discussed")
    expect(confirm).to_contain_text("Services explained <b>in Arabic</b>")
    shot(anna, "02b-confirm-before-completing")
    anna.get_by_role("button", name="Confirm and complete").click()
    expect(anna.get_by_role("status")).to_contain_text(
        "Now with Westland employment area: Integration plan, due"
    )
    shot(anna, "03-handed-to-employment-area")

    ville = chromium("ville")
    log_in(ville, site.url, "ville")
    ville.evaluate("window.samePage = true")  # survives only if htmx swapped, not reloaded
    row = ville.get_by_role("row").filter(has_text="E2E-1")
    row.get_by_role("button", name="Claim").click()
    expect(ville.locator("#mine-title + .table-wrap")).to_contain_text("E2E-1")
    assert ville.evaluate("window.samePage === true") is HTMX_BUILT
    shot(ville, "04-employment-area-inbox")
    ville.get_by_role("link", name="Integration plan").first.click()
    expect(ville.get_by_role("heading", level=1)).to_have_text("Integration plan")
    ville.get_by_label("Plan agreed on").fill("2026-11-30")
    ville.get_by_label("Goals of the plan").fill("Finnish to B1, then work in logistics")
    ville.get_by_label("Literacy training").check()
    ville.get_by_label("How the plan was made").select_option("video")
    ville.get_by_label("Study hours a week").fill("20")
    ville.get_by_label("Language course").check()
    ville.get_by_role("button", name="Add a row").click()
    ville.get_by_label("Contact name").fill("Aino Opettaja")
    ville.get_by_label("Role").fill("Teacher")
    ville.get_by_role("button", name="Save draft").click()
    expect(ville.get_by_role("status")).to_contain_text("Draft saved.")
    ville.get_by_role("button", name="Complete").click()
    expect(ville.locator("#f-obligation_explained-error")).to_have_text("Fill in this field.")
    expect(ville.get_by_label("Contact name")).to_have_value("Aino Opettaja")
    ville.locator("#f-obligation_explained-true").check()
    shot(ville, "05-integration-plan-form")
    plan_page = ville.url.split("?")[0]
    ville.get_by_role("button", name="Complete").click()
    ville.get_by_role("button", name="Confirm and complete").click()
    expect(ville.get_by_role("status")).to_contain_text(
        "Now with Westland wellbeing services county: County services join, due"
    )

    anna.goto(plan_page)  # the municipality's caseworker cannot open the employment area's task
    expect(anna.get_by_role("heading", level=1)).to_have_text("You cannot open this page")
    expect(anna.locator("main")).not_to_contain_text("E2E-1")

    helmi = chromium("helmi", phone=True)
    log_in(helmi, site.url, "helmi")
    shot(helmi, "06-county-inbox-on-a-phone")
    helmi.get_by_role("link", name="County services join").click()
    helmi.get_by_role("button", name="Complete").click()
    helmi.get_by_role("button", name="Confirm and complete").click()
    expect(helmi.get_by_role("status")).to_contain_text("The case is finished.")
    helmi.get_by_role("link", name="See the case").click()
    done = helmi.locator("#done-title + ol")
    expect(done).to_contain_text("Guidance and advice – Barsby, Anna Aalto")
    expect(done).to_contain_text("Integration plan – Westland employment area, Ville Virtanen")
    expect(done).to_contain_text("County services join – Westland wellbeing services county")
    expect(helmi.get_by_text("Finished", exact=True)).to_be_visible()
    shot(helmi, "07-case-timeline")


def test_html_typed_into_a_form_is_never_run_in_the_browser(site, chromium):
    case_id = start_three_org_case(site, "XSS-1")
    page = chromium("anna")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, site.url, "anna")
    page.goto(f"{site.url}/cases/{case_id}")
    page.get_by_role("link", name="Guidance and advice").click()
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    page.get_by_label("What was discussed").fill(hostile)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_label("What was discussed")).to_have_value(hostile)
    page.reload()
    expect(page.get_by_label("What was discussed")).to_have_value(hostile)
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
