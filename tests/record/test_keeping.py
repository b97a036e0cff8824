"""The form keyword `x-kept-if`: a field the other answers do not call for is dropped
before the answers are checked, run and recorded."""

from __future__ import annotations

import pytest

from pathways.forms.service import schema_problem
from pathways.record.keeping import kept

NOTE = {"type": "string", "x-kept-if": {"plan_needed": True, "needs_county": True}}
FORM = {
    "type": "object",
    "properties": {
        "plan_needed": {"type": "boolean"},
        "needs_county": {"type": "boolean"},
        "county_note": NOTE,
    },
}


def test_a_field_is_kept_only_when_every_named_answer_matches():
    asked = {"plan_needed": True, "needs_county": True, "county_note": "Family services"}
    assert kept(FORM, asked) == asked
    no_plan = {**asked, "plan_needed": False}
    assert kept(FORM, no_plan) == {"plan_needed": False, "needs_county": True}
    assert kept(FORM, {"needs_county": True, "county_note": "x"}) == {"needs_county": True}
    assert kept(FORM, {**asked, "plan_needed": 1}) == {"plan_needed": 1, "needs_county": True}


def test_fields_without_the_keyword_and_forms_without_a_schema_keep_everything():
    assert kept(FORM, {"plan_needed": False}) == {"plan_needed": False}
    assert kept(None, {"anything": "x"}) == {"anything": "x"}


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ({"plan_needed": True}, None),
        ({"plan_needed": [True]}, "not plain"),
        ({"elsewhere": True}, "names 'elsewhere', not another field"),
        ({"county_note": "x"}, "not another field"),
        ({}, "maps other fields"),
        ("plan_needed", "maps other fields"),
    ],
)
def test_x_kept_if_names_other_fields_of_the_form_at_deploy(condition, problem):
    form = {**FORM, "properties": {**FORM["properties"], "county_note": {"x-kept-if": condition}}}
    found = schema_problem("f.schema.json", form)
    assert (found is None) if problem is None else (problem in str(found or ""))
