"""The dashboard and heatmap pages over HTTP: a manager sees their organisation's figures,
filters narrow them, export links carry the filters, others are refused; the heatmap's
JSON is the service's figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from pathways.dashboards import service, snapshots
from pathways.dashboards.filters import DashboardFilter
from pathways.people import service as people
from tests import factories
from tests.api.conftest import PASSWORD
from tests.api.live import LiveServer
from tests.pages.conftest import Site

_ROW = re.compile(r'<tr data-organisation="([^"]+)" data-step="([^"]+)">')
_TOTAL = re.compile(r'<dd data-total="(\w+)"><a href="[^"]+">([^<]+)</a></dd>')
_CASE_LINK = re.compile(r'<a href="/cases/(\d+)">')


@pytest.fixture
def site(db, settings, load) -> Iterator[Site]:
    """The generated case load, served live; everyone logs in with the test password."""
    with db.tx() as s:
        hashed = factories.password_hash(PASSWORD)
        for user in people.list_users(s):
            user.password_hash = hashed
    with LiveServer(settings) as server:
        running = Site(server, db, settings)
        yield running
        running.close()


def rows(page: str) -> set[tuple[str, str]]:
    return set(_ROW.findall(page))


def totals(page: str) -> dict[str, int]:
    return {name: int(value) for name, value in _TOTAL.findall(page)}


def link(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}" href="([^"]+)"', page)
    assert found, element_id
    return unescape(found.group(1))


def test_a_manager_sees_only_their_organisations_rows(site, db, settings):
    page = site.as_user("mona").get("/dashboard")
    assert page.status_code == 200
    with db.tx() as s:
        mine = service.overview(
            s, actor=factories.actor(s, "mona"), filters=DashboardFilter(), settings=settings
        )
    assert mine and {r.organisation for r in mine} == {"barsby"}
    assert rows(page.text) == {(r.organisation, r.step) for r in mine}
    assert totals(page.text) == {
        "open": sum(r.open for r in mine),
        "at_risk": sum(r.at_risk for r in mine),
        "overdue": sum(r.overdue for r in mine),
    }
    assert "C-" in page.text and "/cases/" in page.text  # the overdue list links the cases


def test_an_administrator_sees_every_organisation(site):
    page = site.as_user("admin").get("/dashboard")
    assert {organisation for organisation, _ in rows(page.text)} >= {"barsby", "ostby"}


def test_the_overdue_list_links_to_the_cases_in_view(site, db):
    page = site.as_user("mona").get("/dashboard").text
    with db.tx() as s:
        late = service.overdue_tasks(s, actor=factories.actor(s, "mona"), filters=DashboardFilter())
    assert late
    assert set(_CASE_LINK.findall(page)) == {str(t.case_id) for t in late}


@pytest.mark.parametrize("login", ["anna", "dana"])
def test_caseworkers_and_designers_get_the_refusal_page(site, login):
    browser = site.as_user(login)
    for path in ("/dashboard", "/dashboard/trend.svg", "/dashboard/heatmap/handoff/1"):
        answer = browser.get(path)
        assert answer.status_code == 403, path
        assert answer.headers["content-type"].startswith("text/html")


def test_the_dashboard_link_shows_for_managers_only(site):
    assert 'href="/dashboard"' in site.as_user("mona").get("/").text
    assert 'href="/dashboard"' not in site.as_user("anna").get("/").text


def test_filters_narrow_the_table(site):
    browser = site.as_user("admin")
    everything = rows(browser.get("/dashboard").text)
    by_pathway = browser.get("/dashboard?pathway=quick").text
    assert rows(by_pathway) and rows(by_pathway) < everything
    assert '<td data-label="Pathway">handoff</td>' not in by_pathway
    by_place = rows(browser.get("/dashboard?organisation=ostby").text)
    assert by_place and {organisation for organisation, _ in by_place} == {"ostby"}
    both = rows(browser.get("/dashboard?organisation=ostby&pathway=quick").text)
    assert both == by_place & rows(by_pathway)
    by_step = rows(browser.get("/dashboard?step=guidance").text)
    assert by_step and {step for _, step in by_step} == {"guidance"}


def test_a_manager_cannot_filter_to_another_organisation(site):
    answer = site.as_user("mona").get("/dashboard?organisation=ostby")
    assert answer.status_code == 403


def test_the_export_links_carry_the_filters(site):
    browser = site.as_user("admin")
    page = browser.get(
        "/dashboard?organisation=ostby&pathway=handoff&due_from=2026-11-01&due_to=2026-12-31"
    ).text
    for kind in ("csv", "xlsx"):
        target = urlsplit(link(page, f"export-{kind}"))
        query = parse_qs(target.query)
        assert target.path == "/api/dashboard/overdue/export"
        assert query["format"] == [kind]
        assert query["organisation"] == ["ostby"]
        assert query["model"] == ["handoff"]
        assert query["due_after"][0].startswith("2026-11-01T00:00:00")
        assert query["due_before"][0].startswith("2027-01-01T00:00:00")
    exported = browser.get(link(page, "export-csv"))
    assert exported.status_code == 200
    lines = exported.text.strip().splitlines()[1:]
    assert lines and all(",ostby,handoff," in line for line in lines)


def test_the_charts_are_inert_svg_images(site):
    browser = site.as_user("mona")
    page = browser.get("/dashboard?pathway=handoff").text
    assert 'src="/dashboard/trend.svg?width=720&amp;pathway=handoff"' in page
    for path in ("/dashboard/trend.svg", "/dashboard/durations.svg?pathway=handoff"):
        chart = browser.get(path)
        assert chart.status_code == 200
        assert chart.headers["content-type"].startswith("image/svg+xml")
        assert chart.headers["content-security-policy"] == "default-src 'none'"
        assert "<script" not in chart.text and chart.text.startswith("<svg")


def test_the_trend_chart_says_when_no_daily_figures_exist_and_draws_them_once_taken(
    site, db, settings
):
    browser = site.as_user("mona")
    assert "No daily figures yet" in browser.get("/dashboard/trend.svg").text
    with db.tx() as s:
        snapshots.take_snapshot(s, settings=settings)
    drawn = browser.get("/dashboard/trend.svg").text
    assert "No daily figures yet" not in drawn
    assert drawn.count("<polyline") == 3


def test_the_duration_chart_names_the_steps_completed_lately(site):
    browser = site.as_user("mona")
    chart = browser.get("/dashboard/durations.svg").text
    # The pathway's name, not its key; cut to fit, whole in the label's tooltip.
    assert "<title>Hand-off between two organisations: Guidance and advice</title>" in chart
    nothing = browser.get("/dashboard/durations.svg?step=interview").text
    assert "No step was completed in this period." in nothing


def test_the_heatmap_json_is_the_services_figures(site, db):
    answer = site.as_user("mona").get("/api/dashboard/heatmap?model=handoff&version=1")
    assert answer.status_code == 200
    with db.tx() as s:
        heat = service.heatmap(s, actor=factories.actor(s, "mona"), model="handoff", version=1)
    assert heat
    assert answer.json() == {
        "model": "handoff",
        "version": 1,
        "steps": [
            {
                "step": h.step,
                "open": h.open,
                "overdue": h.overdue,
                "median_wait_seconds": h.median_wait_seconds,
            }
            for h in heat
        ],
    }


def test_the_heatmap_of_an_unknown_version_is_not_found(site):
    browser = site.as_user("mona")
    assert browser.get("/api/dashboard/heatmap?model=handoff&version=9").status_code == 404
    assert browser.get("/dashboard/heatmap/handoff/9").status_code == 404


def test_a_manager_may_read_the_diagram_the_heatmap_draws(site):
    answer = site.as_user("mona").get("/api/models/handoff/versions/1/bpmn")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/xml")


def test_the_heatmap_page_lists_the_figures_and_links_back(site, db):
    page = site.as_user("mona").get("/dashboard/heatmap/handoff/1")
    assert page.status_code == 200
    with db.tx() as s:
        heat = service.heatmap(s, actor=factories.actor(s, "mona"), model="handoff", version=1)
    for h in heat:
        assert f'<tr data-step="{h.step}">' in page.text
    assert 'href="/dashboard?pathway=handoff"' in page.text
    dashboard = site.as_user("mona").get("/dashboard").text
    assert 'href="/dashboard/heatmap/handoff/1"' in dashboard
