"""Date rules beyond one field (`x-not-after`, `x-not-before`, `x-after`, `x-within-months`):
refused at deploy when they cannot be enforced, enforced on every submission."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pathways import clock
from pathways.errors import InvalidData
from pathways.forms import rules
from pathways.forms.service import schema_problem, validate_submission

FORM = json.loads((Path(__file__).parent / "forms" / "training-dates.schema.json").read_text())
# 1 December 2026, 01:30 in Helsinki: still 30 November in UTC.
NOW = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


def broken(data):
    with clock.pinned(NOW):
        return [(e.pointer, e.rule) for e, _sentence in rules.broken(FORM, data)]


def test_a_form_with_well_formed_rules_is_accepted():
    assert schema_problem("training-dates.schema.json", FORM) is None


@pytest.mark.parametrize(
    ("started_on", "extra", "why"),
    [
        ({"x-not-after": "tomorrow"}, {}, 'names another date field of the same object or "today"'),
        ({"x-after": "today"}, {}, "names another date field of the same object"),
        ({"x-after": "nowhere"}, {}, "names another date field"),
        ({"x-after": "started_on"}, {}, "names another date field"),
        ({"x-within-months": {"of": "ended_on"}}, {}, '{"of": "<date field>", "months": N}'),
        ({"x-within-months": {"of": "ended_on", "months": 0}}, {}, "months is a whole number"),
        ({"x-within-months": {"of": "ended_on", "months": True}}, {}, "months is a whole number"),
        ({"x-not-afer": "today"}, {}, "unknown keyword x-not-afer"),
        ({}, {"x-rules": []}, "unknown keyword x-rules"),
    ],
)
def test_rules_that_cannot_be_enforced_are_refused_at_deploy(started_on, extra, why):
    form = json.loads(json.dumps(FORM))
    form["properties"]["started_on"].pop("x-not-after")
    form["properties"]["started_on"].update(started_on)
    form.update(extra)
    problem = str(schema_problem("f.schema.json", form) or "")
    assert problem.startswith("form 'f.schema.json': ") and why in problem


def test_a_rule_on_a_field_that_is_not_a_date_is_refused():
    form = {"type": "object", "properties": {"n": {"type": "integer", "x-not-after": "today"}}}
    assert "applies only to a date field" in str(schema_problem("f.schema.json", form) or "")


def test_the_sharing_keyword_of_the_record_is_not_an_unknown_one():
    form = {"type": "object", "properties": {"a": {"type": "string", "x-share": ["team"]}}}
    assert schema_problem("f.schema.json", form) is None


def test_a_field_named_like_a_keyword_is_only_a_name():
    form = {"type": "object", "properties": {"x-ray": {"type": "string"}}}
    assert schema_problem("f.schema.json", form) is None


def test_today_is_the_day_in_helsinki():
    assert broken({"started_on": "2026-12-01"}) == []
    assert broken({"started_on": "2026-12-02"}) == [("/started_on", "x-not-after")]


def test_an_end_must_come_after_its_start():
    assert broken({"started_on": "2026-11-01", "ended_on": "2026-11-02"}) == []
    assert broken({"started_on": "2026-11-01", "ended_on": "2026-11-01"}) == [
        ("/ended_on", "x-after")
    ]


def test_not_before_another_date_and_at_most_n_months_after_it():
    start = {"started_on": "2026-01-31"}
    assert broken({**start, "valid_until": "2027-01-31"}) == []
    assert broken({**start, "valid_until": "2027-02-01"}) == [("/valid_until", "x-within-months")]
    assert broken({**start, "valid_until": "2026-01-30"}) == [("/valid_until", "x-not-before")]


def test_a_month_later_is_the_months_last_day_when_it_is_shorter():
    assert rules.add_months(date(2026, 1, 31), 1).isoformat() == "2026-02-28"
    assert rules.add_months(date(2027, 12, 31), 2).isoformat() == "2028-02-29"


def test_missing_or_malformed_dates_are_left_to_the_schema():
    assert broken({"ended_on": "2026-11-01"}) == []
    assert broken({"started_on": "someday", "ended_on": "2026-11-01"}) == []


def test_a_broken_rule_is_invalid_data_naming_the_field_by_title_without_echoing_it():
    with clock.pinned(NOW), pytest.raises(InvalidData) as refused:
        validate_submission(FORM, {"started_on": "2026-11-01", "ended_on": "2026-10-01"})
    assert refused.value.errors == ["Ended on: must be after Started on"]
    assert [(f.pointer, f.rule) for f in refused.value.fields] == [("/ended_on", "x-after")]
    assert "2026-10-01" not in refused.value.message


def test_rules_inside_rows_of_a_repeatable_group_are_enforced_per_row():
    form = {
        "type": "object",
        "properties": {"periods": {"type": "array", "items": FORM}},
    }
    assert schema_problem("f.schema.json", form) is None
    rows = [{"started_on": "2026-11-01"}, {"started_on": "2026-11-01", "ended_on": "2026-10-01"}]
    with clock.pinned(NOW):
        found = [(e.pointer, e.rule) for e, _s in rules.broken(form, {"periods": rows})]
    assert found == [("/periods/1/ended_on", "x-after")]


def test_every_shipped_form_with_rules_passes_the_deploy_check():
    shipped = Path(__file__).parents[1] / "forms"
    checked = 0
    for path in sorted(shipped.glob("*.schema.json")):
        form = json.loads(path.read_text())
        assert schema_problem(path.name, form) is None, path.name
        checked += "x-" in path.read_text()
    assert checked >= 10
