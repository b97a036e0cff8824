"""SVG charts are well-formed, script-free, and show labels as text."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

from pathways.dashboards.charts import duration_chart, line_chart, note
from pathways.dashboards.durations import StepDuration

HOSTILE = '<script>alert("x")</script> & "Step"'
SVG = "{http://www.w3.org/2000/svg}"


def texts(svg):
    """Each label in full: a label cut to fit carries its whole text as its tooltip."""
    found = []
    for t in ElementTree.fromstring(svg).iter(f"{SVG}text"):
        tooltip = t.find(f"{SVG}title")
        found.append(tooltip.text if tooltip is not None else t.text)
    return found


def shown(svg):
    """What each label shows on the chart itself."""
    found = []
    for t in ElementTree.fromstring(svg).iter(f"{SVG}text"):
        tooltip = t.find(f"{SVG}title")
        found.append(tooltip.tail if tooltip is not None else t.text)
    return found


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


def test_long_step_names_are_cut_to_fit_with_the_whole_name_as_tooltip():
    name = "Integration plan drawn up with the client and the employment area"
    rows = [StepDuration("jobseeker", "s1", name, 5, 86400.0, 3 * 86400.0, 2 * 86400.0, 1)]
    for width in (340, 720):
        svg = duration_chart("Durations", rows, width=width, labels=[name])
        assert name in texts(svg)
        label_room = min(220, int(width * 0.4)) - 12
        cut = next(t for t in shown(svg) if t and t.startswith("Integration"))
        assert cut.endswith("…") and len(cut) * 7 <= label_room + 7


def test_a_narrow_line_chart_puts_its_legend_on_rows_of_their_own():
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(30)]
    series = {"Open": [1] * 30, "At risk": [0] * 30, "Overdue": [2] * 30}
    svg = line_chart("Trend", days, series, width=340)
    root = ElementTree.fromstring(svg)
    legend = [t for t in root.iter(f"{SVG}text") if t.text in series]
    assert len({t.get("y") for t in legend}) == 3  # one row each: 340 px holds one
    assert all(float(t.get("x")) + 7 * len(t.text) <= 340 for t in legend)
    dates = [t for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("2026-")]
    assert 2 <= len(dates) <= 4  # about 70 px each in a 268 px plot


def test_a_note_wraps_on_a_narrow_chart_rather_than_running_off_it():
    message = "No daily figures yet: they are taken each morning."
    svg = note("Trend", message, width=340)
    lines = shown(svg)[1:]  # after the title
    assert " ".join(lines) == message and len(lines) == 2
    assert all(len(line) * 7 <= 340 - 16 for line in lines)


def test_a_long_title_wraps_on_a_phone_wide_chart_and_the_chart_moves_under_it():
    title = "Avoimet, pian erääntyvät ja myöhässä olevat tehtävät päivittäin viimeiset 30 päivää"
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(30)]
    wide = line_chart(title, days, {"open": [1.0] * 30}, width=720)
    narrow = line_chart(title, days, {"open": [1.0] * 30}, width=340)
    assert shown(wide)[0] == title  # one line on a desktop
    heading = [t for t in ElementTree.fromstring(narrow).iter(f"{SVG}text") if t.get("font-weight")]
    assert " ".join(t.text for t in heading) == title  # nothing cut off
    assert len(heading) >= 2 and all(len(t.text) * 7 <= 340 - 16 for t in heading)
    root = ElementTree.fromstring(narrow)
    assert int(root.get("height")) == 320 + 16 * (len(heading) - 1)
    assert root.find(f"{SVG}g").get("transform") == f"translate(0 {16 * (len(heading) - 1)})"
