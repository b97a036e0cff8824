"""A designer uploads a model drawn for Camunda 7: the page offers the conversion, asks
for the organisation kind of each candidate group, lists what to fix, and opens the
result in the modeler, where it is saved like any draft."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.test_modeler import open_modeler, status
from tests.conftest import ONE_BACKEND

pytestmark = ONE_BACKEND


CAMUNDA = Path(__file__).parents[1] / "bpmn" / "camunda"


def test_a_camunda_upload_is_converted_mapped_opened_and_saved(page, live):
    open_modeler(page, live)
    page.set_input_files("#import-file", str(CAMUNDA / "intake.bpmn"))
    page.click("#import")
    panel = page.locator("#camunda")
    expect(panel).to_be_visible()
    expect(page.locator("#camunda-groups select")).to_have_count(2)
    expect(page.locator("#camunda-problems li")).to_have_count(2)  # both groups unmapped
    expect(page.locator("#camunda-problems")).to_contain_text("candidate group 'te-office'")
    page.select_option('#camunda-groups select[data-group="social-office"]', "municipality")
    page.select_option('#camunda-groups select[data-group="te-office"]', "employment_area")
    page.click("#camunda-convert")
    expect(page.locator("#camunda-problems li")).to_have_count(0)
    expect(page.locator("#camunda-forms")).to_contain_text("interview.schema.json")
    expect(page.locator("#camunda-notes")).to_contain_text("is now 'intake', the model's key")
    page.click("#camunda-open")
    expect(page.locator('.djs-element[data-element-id="housing"]').first).to_be_visible()
    page.click("#save")
    expect(status(page)).to_contain_text("Saved as draft version 2")
    xml = live.integrator("dana").get("/api/models/intake/versions/2/bpmn").text
    assert 'id="Lane_employment_area" name="Employment area"' in xml
    assert "camunda.org" not in xml
