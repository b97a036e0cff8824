"""A caseworker adds a note and an attachment on the case page in Chromium, on a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, TESTS
from tests.notes import files
from tests.notes.conftest import start_case
from tests.notes.test_pages import site  # noqa: F401  (the live site fixture)

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = playwright_api.expect
ARTIFACTS = TESTS / "artifacts"


@pytest.fixture
def phone(tmp_path, playwright_driver) -> Iterator[object]:
    errors: list[str] = []
    context = playwright_driver.chromium.launch_persistent_context(
        user_data_dir=tmp_path / "profile",
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        headless=True,
        locale="en-GB",
        viewport={"width": 390, "height": 844},
    )
    context.set_default_timeout(15_000)
    page = context.pages[0] if context.pages else context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    yield page
    context.close()
    assert errors == []  # no blocked inline script or style, no failed asset


def test_a_caseworker_adds_a_note_and_a_file_on_the_case_page(site, phone, tmp_path):  # noqa: F811
    case_id, _steps = start_case(site.db, site.settings)
    page = phone
    page.goto(f"{site.url}/cases/{case_id}")
    page.get_by_label("User name").fill("anna")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Notes and attachments")).to_be_visible()
    expect(page.get_by_text("No notes you may read.")).to_be_visible()

    page.get_by_label("New note").fill("Prefers morning appointments; interpreter for Arabic.")
    page.locator(".note-form").get_by_label(re.compile("^Case team")).check()
    page.get_by_role("button", name="Add note").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}#notes$"))
    expect(page.locator(".notes-list")).to_contain_text("Prefers morning appointments")
    expect(page.locator(".notes-list")).to_contain_text(
        "shared with: Employment area, Municipality, Wellbeing services county"
    )

    scan = tmp_path / "residence permit.pdf"
    scan.write_bytes(files.PDF)
    page.get_by_label("Attach a file").set_input_files(str(scan))
    page.get_by_role("button", name="Upload").click()
    link = page.get_by_role("link", name="residence permit.pdf")
    expect(link).to_be_visible()
    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "residence permit.pdf"
    assert download.path().read_bytes() == files.PDF
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#notes").screenshot(path=str(ARTIFACTS / "notes-on-a-phone.png"))
    # Nothing on the phone-sized page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
