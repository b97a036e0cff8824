"""A process designer edits a pathway in the browser: adds a step in a lane, sets its
form and due time, saves, sees a broken element marked, fixes it and deploys; new
cases use the new version while a running case stays on the old one until the
designer moves it, after which it continues on the new version."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from pathways.cases.models import Client, ProcessInstance
from tests import factories
from tests.browser.conftest import log_in
from tests.conftest import ONE_BACKEND

pytestmark = ONE_BACKEND


HOSTILE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n'
    b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;'
    b"</bpmn:definitions>"
)


def open_modeler(page, live):
    log_in(page, live, path="/models")
    page.click("text=Intake between two organisations")
    page.wait_for_selector("#modeler[data-ready=true]")


def centre(page, element_id):
    box = page.locator(f'.djs-element[data-element-id="{element_id}"]').first.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def add_user_task_on_flow(page):
    """Drop a new task on the flow from guidance to the interview, make it a user task."""
    gx, gy = centre(page, "guidance")
    ix, _ = centre(page, "interview")
    x, y = (gx + ix) / 2, gy
    page.click(".djs-palette .entry.bpmn-icon-task")
    page.mouse.move(x - 20, y, steps=4)
    page.mouse.move(x, y, steps=4)
    page.mouse.click(x, y)
    page.keyboard.press("Escape")  # leave the label editor that opens on a new task
    created = page.locator(".djs-element.selected").first.get_attribute("data-element-id")
    page.click('.djs-context-pad .entry[data-action="replace"]')
    page.click('.djs-popup [data-id="replace-with-user-task"]')
    select_element(page, created)
    return created


def select_element(page, element_id, kind="User Task"):
    """Select an element afresh (clicking a selected element deselects it)."""
    canvas = page.locator("#canvas").bounding_box()
    header = page.locator(".bio-properties-panel-header-type")
    for _ in range(3):  # a click that closes a popup menu selects nothing
        page.wait_for_timeout(500)  # two quick clicks would make a double click
        page.mouse.click(canvas["x"] + canvas["width"] - 40, canvas["y"] + 40)  # empty canvas
        page.wait_for_timeout(300)
        if header.inner_text().strip().lower() == "collaboration":
            break
    page.wait_for_timeout(500)
    page.locator(f'.djs-element[data-element-id="{element_id}"]').first.click()
    expect(page.locator(".bio-properties-panel-header-type")).to_have_text(kind)


def open_group(page, group):
    header = page.locator(f'[data-group-id="group-{group}"] .bio-properties-panel-group-header')
    if "open" not in (header.get_attribute("class") or "").split():
        header.click()
    expect(header).to_have_class(re.compile(r"\bopen\b"))


def set_due_in(page, value):
    field = page.locator("#bio-properties-panel-pathways-due-in")
    field.fill(value)
    field.press("Tab")
    page.wait_for_timeout(400)  # the panel writes after its input debounce


def status(page):
    return page.locator("#status")


def confirm(page, trigger, expected):
    """Click what asks for a confirmation, check the dialog names it, and confirm."""
    page.click(trigger)
    expect(page.locator("#confirm")).to_be_visible()
    expect(page.locator("#confirm-text")).to_contain_text(expected)
    page.click("#confirm-ok")
    expect(page.locator("#confirm")).to_be_hidden()


def case(live, reference):
    with live.db.tx() as s:
        return s.scalar(select(ProcessInstance).join(Client).where(Client.reference == reference))


def test_designer_adds_a_step_fixes_it_deploys_and_moves_a_running_case(page, live):
    open_modeler(page, live)
    created = add_user_task_on_flow(page)
    open_group(page, "general")
    name = page.locator("#bio-properties-panel-name")
    name.fill("Welcome meeting")
    name.press("Tab")
    open_group(page, "pathways")
    page.select_option("#bio-properties-panel-pathways-form", "guidance.schema.json")
    set_due_in(page, "soon")

    page.click("#save")
    page.wait_for_selector(f'.djs-element.has-problem[data-element-id="{created}"]')
    assert "problem" in status(page).inner_text()
    problem = page.locator(f'#problems li[data-element="{created}"]')
    assert "dueIn 'soon'" in problem.inner_text()
    # The problem names its element, with the id in small print, and selects it.
    expect(problem.locator(".problem-element")).to_have_text("Welcome meeting")
    expect(problem.locator(".element-id")).to_have_text(created)
    select_element(page, "guidance")
    problem.click()
    expect(page.locator(".bio-properties-panel-header-label")).to_have_text("Welcome meeting")
    confirm(page, "#deploy", "Deploy version 2?")
    expect(status(page)).to_contain_text("Not deployed")

    select_element(page, created)
    open_group(page, "pathways")
    set_due_in(page, "P5D")
    page.click("#save")
    expect(status(page)).to_contain_text("Saved as draft version 2")  # the same draft
    assert page.locator(".djs-element.has-problem").count() == 0
    confirm(page, "#deploy", "1 running case(s) on version 1 stay on it")
    expect(status(page)).to_have_text("Version 2 deployed")

    with live.db.tx() as s:
        new = factories.start(s, live.settings, "intake", reference="C-10")
        assert new.version.number == 2
    assert case(live, "C-9").version.number == 1

    page.select_option("#migrate-from", "1")
    page.select_option("#migrate-to", "2")
    page.click("#migrate-preview")
    running = case(live, "C-9")
    page.check(f'#migrate-table tr[data-case="{running.id}"] input')
    confirm(page, "#migrate-go", "Move 1 running case(s) from version 1 to version 2?")
    expect(status(page)).to_contain_text("moved to version 2")
    assert case(live, "C-9").version.number == 2

    with live.db.tx() as s:
        guidance = factories.open_task(s, running.id, "guidance")
    done = live.integrator("anna").post(
        f"/api/tasks/{guidance.id}/complete",
        json={"data": {"summary": "explained", "jobseeker": False}},
    )
    assert done.status_code == 200, done.text
    with live.db.tx() as s:
        welcome = factories.open_task(s, running.id, created)
        assert welcome.name == "Welcome meeting" and welcome.form == "guidance.schema.json"
        assert welcome.due_at is not None


def test_the_diff_colours_the_new_step_and_the_form_preview_shows_the_form(page, live):
    open_modeler(page, live)
    created = add_user_task_on_flow(page)
    page.click("#save")
    expect(status(page)).to_contain_text("Saved as draft version 2")
    page.select_option("#diff-from", "1")
    page.select_option("#diff-to", "2")
    page.click("#diff-show")
    page.wait_for_selector(f'.djs-element.diff-added[data-element-id="{created}"]')
    assert page.locator("#diff-result li.added").count() >= 1

    select_element(page, "guidance")
    page.wait_for_selector("#form-preview h4")
    assert page.locator("#form-preview h4").inner_text() == "Guidance and advice"
    assert page.locator('#form-preview [name="summary"]').count() == 1


def test_a_dry_run_marks_the_path_and_lists_the_deadlines(page, live):
    open_modeler(page, live)
    page.fill(
        "#dry-input",
        '{"start": "2026-11-23T07:00:00Z", "answers": {"guidance": {"data": {"summary": "x",'
        ' "jobseeker": true}, "after": "P4D"}}}',
    )
    page.click("#dry-run")
    page.wait_for_selector("#dry-timers td")
    assert page.locator('.djs-element.dry-path[data-element-id="escalate"]').count() == 1
    # The deadline falls due and fires at the same moment, shown in Helsinki time.
    due = page.locator('#dry-timers time[datetime^="2026-11-26T07:00:00"]')
    assert due.count() == 2 and "09:00" in due.first.inner_text()
    expect(page.locator("#dry-outcome")).to_have_text("The case reached its end.")


def test_hostile_xml_uploaded_through_the_page_is_refused_as_through_the_api(page, live, tmp_path):
    through_api = live.integrator("dana").post(
        "/api/models/intake/versions?deploy=false",
        content=HOSTILE,
        headers={"Content-Type": "application/xml"},
    )
    assert through_api.status_code == 422
    open_modeler(page, live)
    upload = tmp_path / "hostile.bpmn"
    upload.write_bytes(HOSTILE)
    page.set_input_files("#import-file", str(upload))
    page.click("#import")
    expect(status(page)).to_contain_text("Not saved")
    assert through_api.json()["detail"] in status(page).inner_text()
    versions = live.integrator("dana").get("/api/models/intake").json()["versions"]
    assert [v["number"] for v in versions] == [1]


def test_the_modeler_needs_a_login_and_a_designer(page, live):
    page.goto(live.url + "/models/intake")
    assert "/login" in page.url
    log_in(page, live, login="anna", path="/models/intake")
    refused = page.goto(live.url + "/models/intake")
    assert refused is not None and refused.status == 403
    expect(page.locator("#modeler")).to_have_count(0)


def test_a_lane_names_its_organisation_kind_from_the_list(page, live):
    open_modeler(page, live)
    box = page.locator('.djs-element[data-element-id="lane_employment"]').first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 12)  # inside, empty
    expect(page.locator(".bio-properties-panel-header-type")).to_have_text("Lane")
    open_group(page, "pathways")
    kinds = page.locator("#bio-properties-panel-pathways-lane-kind option").all_inner_texts()
    assert "Wellbeing services county" in kinds and "Kela" in kinds
    page.select_option("#bio-properties-panel-pathways-lane-kind", "Kela")
    page.click("#save")
    expect(status(page)).to_contain_text("Saved as draft version 2")
    xml = live.integrator("dana").get("/api/models/intake/versions/2/bpmn").text
    assert 'id="lane_employment" name="Kela"' in xml
