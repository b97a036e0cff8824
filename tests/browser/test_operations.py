"""An administrator's operations job in Chromium: see an incident on the operations page,
confirm the retry and find the page clear of it; at phone and desktop widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pathways.incidents import service as incidents
from tests.browser.conftest import ARTIFACTS, log_in
from tests.conftest import ONE_BACKEND

pytestmark = ONE_BACKEND


@pytest.mark.parametrize("width", [375, 1280])
def test_an_admin_sees_an_incident_and_retries_it(page, live, width):
    with live.db.tx() as s:
        incident = incidents.open_incident(
            s, instance_id=1, element="after_wait", reason="the script crashed", attempts=3
        )
        assert incident is not None
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live, login="admin", path="/admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Operations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations")
    row = page.get_by_role("row").filter(has_text="after_wait")
    expect(row).to_contain_text("the script crashed")
    page.screenshot(path=str(ARTIFACTS / f"operations-incident-{width}.png"), full_page=True)

    row.get_by_role("link", name=f"Retry incident {incident.id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retry the incident")
    page.screenshot(path=str(ARTIFACTS / f"operations-confirm-{width}.png"), full_page=True)
    page.get_by_role("button", name="Confirm and retry").click()
    expect(page.get_by_role("status")).to_contain_text("timers are tried again")
    expect(page.get_by_text("No open incidents.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
