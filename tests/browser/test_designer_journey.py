"""A process designer's main job in the browser, in the page's language: start a
pathway from a starting point, edit it, save the draft twice and still have one draft,
deploy it after a confirmation that names what will happen, and see the version; a
comparison drawn on the diagram; a dry run that stops early saying so; the modeler in
Finnish with bpmn-js's own palette in Finnish."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from tests.browser.test_modeler import open_group, select_element
from tests.conftest import ONE_BACKEND

pytestmark = ONE_BACKEND


XML = {"Content-Type": "application/xml"}
INTAKE = factories.BPMN.joinpath("intake.bpmn").read_bytes()


def status(page):
    return page.locator("#status")


def rename(page, element_id, name):
    select_element(page, element_id)
    open_group(page, "general")
    field = page.locator("#bio-properties-panel-name")
    field.fill(name)
    field.press("Tab")
    page.wait_for_timeout(400)  # the panel writes after its input debounce


def versions(live, key):
    answer = live.integrator("dana").get(f"/api/models/{key}").json()["versions"]
    return [(v["number"], v["state"]) for v in answer]


def test_create_edit_save_twice_one_draft_deploy_with_confirmation(page, live):
    log_in(page, live, path="/models")
    page.select_option("#starting-point", "blank-handoff")
    page.fill("#key", "welcome")
    page.fill("#pathway-name", "Welcome pathway")
    page.click("text=Create the pathway as a draft")
    page.wait_for_selector("#modeler[data-ready=true]")
    assert page.url.endswith("/models/welcome")

    rename(page, "first_step", "Welcome meeting")
    page.click("#save")
    expect(status(page)).to_have_text("Saved as draft version 1")
    rename(page, "second_step", "Jobseeker registration")
    page.click("#save")
    expect(status(page)).to_have_text("Saved as draft version 1")
    assert versions(live, "welcome") == [(1, "draft")]
    expect(page.locator("#versions tr")).to_have_count(1)
    expect(page.locator('#versions tr[data-version="1"] td').nth(2)).to_have_text("dana")

    page.click("#deploy")
    dialog = page.locator("#confirm")
    expect(dialog).to_be_visible()
    expect(page.locator("#confirm-text")).to_have_text(
        "Deploy version 1? New cases will start on version 1."
        " No version is deployed yet: this is the first."
    )
    page.click("#confirm-ok")
    expect(status(page)).to_have_text("Version 1 deployed")
    expect(page.locator('#versions tr[data-version="1"]')).to_have_attribute(
        "data-state", "deployed"
    )
    assert versions(live, "welcome") == [(1, "deployed")]
    xml = live.integrator("dana").get("/api/models/welcome/versions/1/bpmn").text
    assert 'name="Welcome meeting"' in xml and 'name="Jobseeker registration"' in xml

    # Cancelling a confirmation changes nothing.
    page.click('#versions tr[data-version="1"] [data-action="retire"]')
    expect(page.locator("#confirm-text")).to_contain_text("Retire version 1?")
    expect(page.locator("#confirm-text")).to_contain_text("no new case of this pathway can start")
    page.click("#confirm-cancel")
    expect(dialog).to_be_hidden()
    assert versions(live, "welcome") == [(1, "deployed")]


def without_escalated_end(data: bytes) -> bytes:
    """Intake with the escalation's end event gone and the interview renamed."""
    text = data.decode()
    for cut in (
        "<bpmn:flowNodeRef>escalated</bpmn:flowNodeRef>",
        '<bpmn:endEvent id="escalated"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>',
        '<bpmn:sequenceFlow id="f5" sourceRef="escalate" targetRef="escalated" />',
        "<bpmn:outgoing>f5</bpmn:outgoing>",
    ):
        assert cut in text, cut
        text = text.replace(cut, "")
    start = text.index('<bpmndi:BPMNShape id="escalated_di"')
    text = text[:start] + text[text.index("</bpmndi:BPMNShape>", start) + 19 :]
    start = text.index('<bpmndi:BPMNEdge id="f5_di"')
    text = text[:start] + text[text.index("</bpmndi:BPMNEdge>", start) + 18 :]
    return text.replace('name="Initial interview"', 'name="First interview"').encode()


def test_the_diff_is_drawn_on_the_diagram_with_a_legend(page, live):
    saved = live.integrator("dana").post(
        "/api/models/intake/versions?deploy=false",
        content=without_escalated_end(INTAKE),
        headers=XML,
    )
    assert saved.status_code == 201, saved.text
    log_in(page, live, path="/models/intake")
    page.wait_for_selector("#modeler[data-ready=true]")
    page.select_option("#diff-from", "1")
    page.select_option("#diff-to", "2")
    page.click("#diff-show")
    page.wait_for_selector('.djs-element.diff-changed[data-element-id="interview"]')
    expect(page.locator('.diff-ghost[data-element-id="escalated"]')).to_have_count(1)
    expect(page.locator(".djs-overlay .diff-badge.changed")).to_have_count(1)
    rows = page.locator("#diff-result li")
    expect(rows).to_have_count(2)
    expect(page.locator('#diff-result li.changed[data-element="interview"]')).to_contain_text(
        "First interview"
    )
    expect(page.locator('#diff-result li.removed[data-element="escalated"]')).to_contain_text(
        "only in version 1"
    )
    expect(page.locator("#diff-legend .removed")).to_have_text("removed")


def test_a_dry_run_that_stops_on_an_error_says_so_and_marks_the_element(page, live):
    broken = INTAKE.replace(b'<bpmn:timeDuration>"P3D"', b"<bpmn:timeDuration>days_allowed")
    saved = live.integrator("dana").post(
        "/api/models/intake/versions?deploy=false", content=broken, headers=XML
    )
    assert saved.status_code == 201, saved.text
    log_in(page, live, path="/models/intake")
    page.wait_for_selector("#modeler[data-ready=true]")
    expect(page.locator("#current")).to_have_text("version 2")
    page.click("#dry-run")
    outcome = page.locator("#dry-outcome")
    expect(outcome).to_contain_text("The run stopped early on an error at Guidance late")
    expect(outcome).to_contain_text("NameError")
    expect(status(page)).to_have_text("Dry run of version 2 stopped early")
    expect(page.locator('.djs-element.dry-stopped[data-element-id="guidance_late"]')).to_have_count(
        1
    )


def test_the_modeler_in_finnish_has_finnish_palette_and_page_texts(page, live):
    page.context.add_cookies([{"name": "lang", "value": "fi", "url": live.url}])
    log_in(page, live, path="/models/intake")
    page.wait_for_selector("#modeler[data-ready=true]")
    expect(page.locator(".djs-palette .entry.bpmn-icon-task")).to_have_attribute(
        "aria-label", "Luo tehtävä"
    )
    expect(page.locator(".djs-palette .entry.bpmn-icon-start-event-none")).to_have_attribute(
        "aria-label", "Luo alkutapahtuma"
    )
    expect(page.locator("#save")).to_have_text("Tallenna luonnos")
    expect(page.locator("#dry-run")).to_have_text("Aja esimerkkiasialla")
    expect(page.locator('#versions tr[data-version="1"] td').nth(1)).to_have_text("käytössä")
    select_element(page, "guidance", kind="Käyttäjätehtävä")
    expect(
        page.locator('[data-group-id="group-pathways"] .bio-properties-panel-group-header')
    ).to_contain_text("Palvelupolku")
