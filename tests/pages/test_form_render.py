"""Forms as fields: widgets from JSON Schema and ui hints, and posted forms read back."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.datastructures import FormData

from pathways.forms import render

FORMS = Path(__file__).parents[1] / "forms"
SCHEMA = json.loads((FORMS / "plan.schema.json").read_text())
UI = json.loads((FORMS / "plan.uischema.json").read_text())


def english(text: str | None) -> str:
    return text or ""


def by_name(fields):
    return {f.name: f for f in fields}


def test_widgets_follow_the_schema_and_the_ui_hints():
    fields = render.fields(SCHEMA, UI, {}, {}, english)
    assert [f.name for f in fields][:4] == ["agreed_on", "goals", "study_route", "channel"]
    widgets = {name: f.widget for name, f in by_name(fields).items()}
    assert widgets == {
        "agreed_on": "date",
        "goals": "textarea",
        "study_route": "radio",
        "channel": "select",
        "hours_per_week": "integer",
        "services": "checkboxes",
        "obligation_explained": "boolean-radio",
        "interpreter": "checkbox",
        "contacts": "group",
    }


def test_labels_come_from_titles_enum_names_and_one_of_titles():
    fields = by_name(render.fields(SCHEMA, UI, {"channel": "video"}, {}, english))
    assert fields["study_route"].label == "Study route"
    assert [o.label for o in fields["study_route"].options][0] == "Integration training"
    assert [(o.label, o.chosen) for o in fields["channel"].options] == [
        ("In person", False),
        ("By video", True),
    ]
    assert fields["goals"].help == ["What the client wants to reach."]
    assert fields["goals"].required and not fields["channel"].required


def test_texts_go_through_the_translation_given():
    fields = by_name(render.fields(SCHEMA, UI, {}, {}, lambda t: f"[{t}]" if t else ""))
    assert fields["agreed_on"].label == "[Plan agreed on]"
    assert fields["study_route"].options[2].label == "[Independent study]"


def test_errors_are_placed_by_json_pointer_even_inside_rows():
    data = {"contacts": [{"name": "A"}, {}]}
    errors = {"/contacts/1/name": ["Fill in this field."], "/goals": ["Too long"]}
    fields = render.fields(SCHEMA, UI, data, errors, english)
    contacts = by_name(fields)["contacts"]
    assert [row[0].errors for row in contacts.items] == [[], ["Fill in this field."]]
    assert contacts.items[1][0].id == "f-contacts-1-name"
    assert [f.name for f in render.with_errors(fields)] == ["goals", "contacts.1.name"]


def test_a_posted_form_is_read_back_as_typed_data():
    form = FormData(
        [
            ("agreed_on", "2026-11-30"),
            ("goals", "  Work  "),
            ("study_route", "literacy_training"),
            ("channel", ""),
            ("hours_per_week", "12"),
            ("services", "language_course"),
            ("services", "civic_orientation"),
            ("obligation_explained", "false"),
            ("interpreter.present", "1"),
            ("contacts.rows", "2"),
            ("contacts.0.name", "Aino"),
            ("contacts.1.role", "Teacher"),
        ]
    )
    assert render.read_form(SCHEMA, form) == {
        "agreed_on": "2026-11-30",
        "goals": "Work",
        "study_route": "literacy_training",
        "hours_per_week": 12,
        "services": ["language_course", "civic_orientation"],
        "obligation_explained": False,
        "interpreter": False,
        "contacts": [{"name": "Aino"}, {"role": "Teacher"}],
    }


def test_numbers_that_are_not_numbers_stay_text_for_validation_to_name():
    assert render.read_form(SCHEMA, FormData([("hours_per_week", "twelve")])) == {
        "hours_per_week": "twelve"
    }


def test_rows_are_added_and_removed_and_bounded():
    data: dict = {}
    render.add_row(data, "contacts")
    render.add_row(data, "contacts")
    data["contacts"][0]["name"] = "first"
    render.remove_row(data, "contacts.0")
    assert data == {"contacts": [{}]}
    render.remove_row(data, "contacts.9")
    render.remove_row(data, "nothing.0")
    assert data == {"contacts": [{}]}
    for _ in range(render.MAX_ROWS + 5):
        render.add_row(data, "contacts")
    assert len(data["contacts"]) == render.MAX_ROWS
    too_many = FormData([("contacts.rows", "100000")])
    assert len(render.read_form(SCHEMA, too_many)["contacts"]) == render.MAX_ROWS


def test_row_paths_that_lead_nowhere_change_nothing():
    data: dict = {"contacts": [{}]}
    render.add_row(data, "contacts.7.more")
    render.add_row(data, "contacts.x.more")
    render.remove_row(data, "contacts.0.more.0")
    assert data == {"contacts": [{}]}
