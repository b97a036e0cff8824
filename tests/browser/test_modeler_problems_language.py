"""A Finnish designer reads a model's problems in Finnish in the modeler's problems
panel, with the element's own name as the model gives it, and a Swedish one in Swedish;
the properties panel names the forms by their titles in the designer's language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_modeler import open_group, select_element


def save_draft_with_an_unknown_lane(live) -> None:
    """A draft of the intake model whose employment lane names no organisation kind."""
    dana = live.integrator("dana")
    xml = dana.get("/api/models/intake/versions/1/bpmn").text
    broken = xml.replace('name="Employment area"', 'name="Kuuasema"')
    assert broken != xml
    saved = dana.post(
        "/api/models/intake/versions",
        content=broken.encode(),
        headers={"Content-Type": "application/xml"},
        params={"deploy": "false"},
    )
    assert saved.status_code == 201, saved.text


@pytest.mark.parametrize(
    ("language", "expected", "english"),
    [
        ("fi", "kaista 'Kuuasema' ei nimeä organisaatiotyyppiä", "names no organisation kind"),
        ("sv", "banan 'Kuuasema' för", "names no organisation kind"),
    ],
    ids=["fi", "sv"],
)
def test_the_problems_panel_speaks_the_designers_language(page, live, language, expected, english):
    save_draft_with_an_unknown_lane(live)
    page.context.add_cookies([{"name": "lang", "value": language, "url": live.url}])
    log_in(page, live, path="/models/intake")
    page.wait_for_selector("#modeler[data-ready=true]")
    problems = page.locator("#problems li")
    expect(problems.first).to_contain_text(expected)
    assert english not in page.locator("#problems").inner_text()
    # The badge on the diagram says the same in its tooltip.
    badge = page.locator(".problem-badge").first
    assert expected in (badge.get_attribute("title") or "")


def test_the_form_picker_and_the_panel_speak_finnish(page, live):
    page.context.add_cookies([{"name": "lang", "value": "fi", "url": live.url}])
    log_in(page, live, path="/models/intake")
    page.wait_for_selector("#modeler[data-ready=true]")
    select_element(page, "guidance", kind="Käyttäjätehtävä")
    open_group(page, "pathways")
    options = page.locator("#bio-properties-panel-pathways-form option").all_inner_texts()
    assert "Ohjaus ja neuvonta (guidance.schema.json)" in options
    assert not [o for o in options if o.startswith("Guidance and advice")]
    assert page.locator('input[aria-label="Hae kaaviosta"]').count() == 1
