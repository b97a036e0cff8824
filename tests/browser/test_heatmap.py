"""A manager opens the heatmap of a pathway version in Chromium: the diagram is drawn and
each step with open tasks carries its open and overdue counts and its median wait,
coloured by the overdue share; the dashboard page runs under its CSP without errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from pathways import clock
from pathways.web.templating import STATIC_DIR
from tests import factories
from tests.api.conftest import Api, seed
from tests.api.live import LiveServer
from tests.browser.conftest import ARTIFACTS, log_in
from tests.conftest import ONE_BACKEND

pytestmark = [
    ONE_BACKEND,
    pytest.mark.skipif(
        not (STATIC_DIR / "build" / "heatmap.js").is_file(),
        reason="the heatmap assets are not built (make assets)",
    ),
]


@pytest.fixture
def live(db, settings) -> Iterator[Api]:
    """Intake v1 with two cases at guidance in Barsby: C-7 started five days ago, so past
    its three-day deadline, and C-8 started now."""
    seed(db, settings)
    with db.tx() as s:
        factories.deploy(s, settings, "intake")
        with clock.pinned(clock.now() - timedelta(days=5)):
            factories.start(s, settings, "intake", reference="C-7")
        factories.start(s, settings, "intake", reference="C-8")
    with LiveServer(settings) as server:
        api = Api(server, db, settings)
        yield api
        api.close()


def test_the_heatmap_draws_the_diagram_with_each_steps_figures(page, live):
    log_in(page, live, login="mari", path="/dashboard/heatmap/intake/1")
    page.wait_for_selector("#heatmap[data-ready=true]")
    expect(page.locator('.djs-element[data-element-id="interview"]')).to_have_count(1)
    guidance = page.locator('.heat-badge[data-step="guidance"]')
    expect(guidance).to_contain_text("Open: 2")
    expect(guidance).to_contain_text("Overdue: 1")
    expect(guidance).to_contain_text("Median wait:")
    # Half of guidance's open tasks are overdue: the darkest band.
    shape = page.locator('.djs-element[data-element-id="guidance"]').first
    assert "heat-3" in (shape.get_attribute("class") or "")
    expect(page.locator('.heat-badge[data-step="interview"]')).to_have_count(0)
    expect(page.locator("#heatmap-status")).to_have_text("")


def test_the_heatmap_speaks_the_page_language(page, live):
    log_in(page, live, login="mari", path="/dashboard/heatmap/intake/1")
    page.click("a[hreflang=fi]")
    page.wait_for_selector("#heatmap[data-ready=true]")
    badge = page.locator('.heat-badge[data-step="guidance"]')
    expect(badge).to_contain_text("Myöhässä: 1")
    expect(badge).to_contain_text("Odotuksen mediaani: 0,0 päivää")
    # The diagram names the steps in the page's language too; the XML itself is unchanged.
    label = page.locator('.djs-element[data-element-id="guidance"] .djs-visual text')
    expect(label).to_contain_text("Ohjaus")
    assert "Guidance" not in (label.text_content() or "")


def test_the_dashboard_shows_no_console_errors_under_its_csp(page, live):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in(page, live, login="mari", path="/dashboard")
    expect(page.locator("h1")).to_have_text("Deadlines dashboard")
    expect(page.locator("#overdue")).to_contain_text("C-7")
    for chart in ("#trend-chart", "#duration-chart"):
        # A property check, not a string predicate: the page's CSP forbids eval.
        expect(page.locator(chart)).to_have_js_property("complete", True, timeout=10_000)
        width = page.eval_on_selector(chart, "image => image.naturalWidth")
        assert width > 0, chart
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-page.png"), full_page=True)
    page.click('a[href="/dashboard/heatmap/intake/1"]')
    page.wait_for_selector("#heatmap[data-ready=true]")
    assert problems == []


def test_a_version_without_a_diagram_layout_says_so_beside_its_table(page, live):
    log_in(page, live, login="mari", path="/dashboard/heatmap/handoff/1")
    page.wait_for_selector("#heatmap[data-ready=no-diagram]", state="attached")
    expect(page.locator("#heatmap-status")).to_contain_text("no diagram layout")
    expect(page.locator('#heat-table tr[data-step="guidance"]')).to_contain_text("1")
