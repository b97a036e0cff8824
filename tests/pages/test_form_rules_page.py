"""A date rule is explained beside its field before anything is sent, and a broken one is
shown there after sending, in the page's language; in Chromium and without JavaScript."""

from __future__ import annotations

import pytest

from pathways.people.actors import Actor
from pathways.processes import service as processes
from tests import factories
from tests.conftest import CHROMIUM
from tests.model_xml import one_step
from tests.pages.test_browser import chromium, log_in, shot  # noqa: F401 - fixture

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright_api.expect


def dated_task(site) -> int:
    with site.db.tx() as s:
        model = one_step(form="training-dates.schema.json", process_id="dated")
        processes.deploy(s, data=model, actor=Actor.operator(), settings=site.settings)
        case = factories.start(s, site.settings, "dated", reference="R-1")
        return factories.open_task(s, case.id, "work").id


def between(text: str, start: str, end: str = "</p>") -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_rules_are_explained_beside_their_fields_in_finnish_and_swedish(site):
    page = f"/tasks/{dated_task(site)}"
    finnish = site.as_user("anna", "fi").get(page).text
    assert between(finnish, 'id="f-started_on-rule">') == "Ei voi olla tulevaisuudessa."
    assert between(finnish, 'id="f-valid_until-rule">') == (
        "Ei voi olla aikaisempi kuin ”Started on”. Enintään 12 kuukautta päivästä ”Started on”."
    )
    swedish = site.as_user("anna", "sv").get(page).text
    assert between(swedish, 'id="f-ended_on-rule">') == "Måste vara senare än ”Started on”."
    assert 'aria-describedby="f-ended_on-rule"' in swedish


def test_a_broken_rule_is_shown_beside_its_field_without_javascript(site):
    page = f"/tasks/{dated_task(site)}"
    anna = site.as_user("anna", "fi")
    fields = {"action": "complete", "started_on": "2026-11-02", "ended_on": "2026-11-01"}
    answer = anna.post_form(page, fields, page=page)
    assert answer.status_code == 422
    assert between(answer.text, 'id="f-ended_on-error">') == "On oltava myöhempi kuin ”Started on”."


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")
def test_in_chromium_the_rule_stands_beside_the_field_and_its_breach_too(site, chromium):  # noqa: F811
    task_id = dated_task(site)
    anna = chromium("anna", phone=True)
    log_in(anna, site.url, "anna")
    anna.goto(f"{site.url}/tasks/{task_id}")
    ended = anna.get_by_label("Ended on")
    expect(ended).to_have_accessible_description("Must be later than “Started on”.")
    anna.get_by_label("Started on").fill("2026-11-02")
    ended.fill("2026-11-01")
    anna.get_by_role("button", name="Complete").click()
    expect(anna.locator("#f-ended_on-error")).to_have_text("Must be later than “Started on”.")
    expect(anna.locator("#error-summary")).to_contain_text("Ended on")
    shot(anna, "date-rule-beside-the-field")
    ended.fill("2026-11-20")
    anna.get_by_role("button", name="Complete").click()
    anna.get_by_role("button", name="Confirm and complete").click()
    expect(anna.get_by_role("status")).to_contain_text("The case is finished.")
