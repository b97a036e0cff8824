"""SVG charts are well-formed, script-free, and show labels as text."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

from pathways.dashboards.charts import duration_chart, line_chart
from pathways.dashboards.durations import StepDuration

HOSTILE = '<script>alert("x")</script> & "Step"'
SVG = "{http://www.w3.org/2000/svg}"


def texts(svg):
    return [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def test_a_hostile_step_name_is_shown_as_text_not_markup():
    rows = [StepDuration("jobseeker", "s1", HOSTILE, 5, 86400.0, 3 * 86400.0, 2 * 86400.0, 1)]
    svg = duration_chart(f"Durations {HOSTILE}", rows)
    root = ElementTree.fromstring(svg)
    assert not list(root.iter(f"{SVG}script"))
    assert "<script>" not in svg
    assert f"jobseeker: {HOSTILE}" in texts(svg)
    assert root.find(f"{SVG}title").text == f"Durations {HOSTILE}"


def test_a_line_chart_draws_one_line_per_series_with_its_name_in_the_legend():
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(10)]
    svg = line_chart(
        "Open and overdue",
        days,
        {"open": list(range(10, 20)), HOSTILE: [n % 3 for n in range(10)]},
    )
    root = ElementTree.fromstring(svg)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert all(len(line.get("points").split()) == 10 for line in lines)
    assert HOSTILE in texts(svg) and "open" in texts(svg)
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")


def test_charts_of_nothing_are_still_valid_svg():
    assert ElementTree.fromstring(line_chart("Empty", [], {}))
    assert ElementTree.fromstring(duration_chart("Empty", []))
