"""A process designer edits a decision table of a pathway in the browser: a business rule
task links to its table, the designer changes a rule's output and saves, and the saved
version carries the change and decides by it. The table's labels follow the page's
language."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from pathways.people.actors import Actor
from pathways.processes import service as processes
from tests import factories
from tests.browser.conftest import log_in
from tests.conftest import ONE_BACKEND

pytestmark = ONE_BACKEND


TESTS = Path(__file__).parents[1]
MODEL = (TESTS / "bpmn" / "decide.bpmn").read_bytes()
TABLES = [
    processes.decision_file(p.name, p.read_bytes()) for p in sorted((TESTS / "dmn").glob("*.dmn"))
]


def deploy_decide(live) -> None:
    with live.db.tx() as s:
        processes.deploy(
            s, data=MODEL, actor=Actor.operator(), settings=live.settings, decisions=TABLES
        )


def open_decide(page, live) -> None:
    log_in(page, live, path="/models/decide")
    page.wait_for_selector("#modeler[data-ready=true]")


def test_designer_edits_a_rule_of_a_business_rule_tasks_table_and_saves_it(page, live):
    deploy_decide(live)
    open_decide(page, live)
    expect(page.locator("#decision-choice option")).to_have_count(3)

    page.locator('.djs-element[data-element-id="level"]').first.click()
    page.click("#decision-link button[data-action=open-decision]")
    expect(page.locator("#decision-choice")).to_have_value("support_level")
    cell = page.locator('td[data-row-id="support_minor"][data-col-id="support_out"]')
    expect(cell.locator(".content-editable")).to_have_text('"youth"')
    cell.locator(".content-editable").click()
    page.keyboard.press("Control+A")
    page.keyboard.type('"minor"')
    page.click("#decisions h2")  # leaving the cell ends its editing
    expect(cell.locator(".content-editable")).to_have_text('"minor"')

    page.click("#save")
    expect(page.locator("#status")).to_have_text("Saved as draft version 2")
    with live.db.tx() as s:
        version = processes.get_version(s, "decide", 2)
        saved = {d.decision_id: d.dmn_xml for d in version.decisions}
        assert '"minor"' in saved["support_level"] and '"youth"' not in saved["support_level"]
        assert saved["first_service"] == TABLES[1].data.decode()
        processes.deploy_version(
            s, key="decide", number=2, actor=Actor.operator(), settings=live.settings
        )
    with live.db.tx() as s:
        case = factories.start(
            s,
            live.settings,
            "decide",
            reference="C-20",
            data={"age": 12, "language": "fi", "jobseeker": False},
        )
        pathway = processes.pathway_for(case.version, live.settings)
        workflow = pathway.load(case.workflow_state, case.serializer_version)
        (review,) = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "review"]
        assert review.data["level"] == "minor"


def test_the_decision_table_speaks_the_pages_language(page, live):
    deploy_decide(live)
    open_decide(page, live)
    expect(page.locator(".hit-policy .dms-label").first).to_have_text("Hit policy:")
    page.goto(live.url + "/lang/fi?next=/models/decide")
    page.wait_for_selector("#modeler[data-ready=true]")
    expect(page.locator("#decisions h2")).to_have_text("Päätöstaulukot")
    expect(page.locator(".hit-policy .dms-label").first).to_have_text("Osumakäytäntö:")
    page.goto(live.url + "/lang/sv?next=/models/decide")
    page.wait_for_selector("#modeler[data-ready=true]")
    expect(page.locator(".hit-policy .dms-label").first).to_have_text("Träffpolicy:")
    page.locator('.djs-element[data-element-id="offices"]').first.click()
    expect(page.locator("#decision-link button")).to_have_text(
        "Öppna beslutstabellen collect_offices"
    )
