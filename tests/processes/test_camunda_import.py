"""A model drawn in Camunda Modeler (Camunda 7) becomes a Pathways model, or says why not."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree

from pathways import clock
from pathways.errors import Problem
from pathways.forms import render
from pathways.forms.service import FormCatalog
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.processes.camunda import convert, form_files
from pathways.processes.validation import validate_file
from pathways.tasks import service as tasks
from tests import factories

pytestmark = pytest.mark.usefixtures("frozen_clock")

CAMUNDA = Path(__file__).parents[1] / "bpmn" / "camunda"
GROUPS = json.loads((CAMUNDA / "groups.json").read_text())
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
S = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def converted(name: str, groups: dict[str, str] | None = None):
    data = (CAMUNDA / name).read_bytes()
    return convert(data, groups=GROUPS if groups is None else groups, max_bytes=1_000_000)


def messages(found: list[Problem]) -> dict[str | None, list[str]]:
    by_element: dict[str | None, list[str]] = {}
    for problem in found:
        by_element.setdefault(problem.element_id, []).append(problem.message)
    return by_element


@pytest.fixture
def imported(settings, tmp_path):
    """The intake model converted, its forms written to the settings' form folder."""
    conversion = converted("intake.bpmn")
    for name, body in form_files(conversion).items():
        (tmp_path / name).write_bytes(body)
    return conversion, settings.model_copy(update={"forms_dir": tmp_path})


def test_form_fields_of_every_type_become_a_json_schema_form():
    conversion = converted("intake.bpmn")
    schema = conversion.forms["interview.schema.json"]
    ui = conversion.forms["interview.uischema.json"]
    fields = schema["properties"]
    assert fields["full_name"] == {"type": "string", "title": "Full name", "maxLength": 100}
    assert fields["children"] == {"type": "integer", "title": "Number of children", "default": 0}
    assert fields["needs_housing"] == {"type": "boolean", "title": "Needs housing"}
    assert fields["arrived_on"] == {"type": "string", "format": "date", "title": "Arrived on"}
    assert fields["language"]["oneOf"] == [
        {"const": "fi", "title": "Finnish"},
        {"const": "sv", "title": "Swedish"},
        {"const": "en", "title": "English"},
    ]
    assert fields["language"]["default"] == "fi"
    assert fields["office"]["readOnly"] is True
    assert ui["office"] == {"ui:readonly": True}
    assert schema["required"] == ["full_name", "needs_housing"]
    assert schema["title"] == "Intake interview"
    assert ui["ui:order"] == [
        "full_name", "children", "needs_housing", "arrived_on", "language", "office",
    ]  # fmt: skip


def test_candidate_groups_become_lanes_and_due_dates_become_due_in():
    conversion = converted("intake.bpmn")
    root = etree.fromstring(conversion.xml)
    lanes = {
        lane.get("name"): [ref.text for ref in lane.iter(f"{B}flowNodeRef")]
        for lane in root.iter(f"{B}lane")
    }
    assert lanes == {"Municipality": ["interview"], "Employment area": ["housing"]}
    due = {
        task.get("id"): prop.get("value")
        for task in root.iter(f"{B}userTask")
        for prop in task.iter(f"{S}property")
        if prop.get("name") == "dueIn"
    }
    assert due == {"interview": "P5D", "housing": "P10D"}
    assert b"camunda.org" not in conversion.xml
    assert conversion.problems == []


def test_simple_juel_conditions_become_python():
    root = etree.fromstring(converted("intake.bpmn").xml)
    conditions = {
        flow.get("id"): flow.findtext(f"{B}conditionExpression")
        for flow in root.iter(f"{B}sequenceFlow")
        if flow.find(f"{B}conditionExpression") is not None
    }
    assert conditions == {
        "yes": "needs_housing == True and children >= 0",
        "no": "not needs_housing",
    }


def test_harmless_attributes_are_dropped_with_a_note():
    notes = messages(converted("intake.bpmn").notes)
    assert notes["interview"] == [
        "camunda:asyncBefore dropped: each step already commits when the case waits"
    ]
    assert notes["camunda_intake"][0].startswith("camunda:historyTimeToLive dropped")


def test_what_cannot_be_converted_is_named_with_its_element_and_the_fix():
    found = messages(converted("features.bpmn").problems)
    assert found["camunda_features"] == [
        "camunda:executionListener cannot be converted: move its work into a script task"
        " or a service task"
    ]
    assert found["notify"][0].startswith("camunda:class 'org.example.Notify' cannot be converted")
    assert found["check"] == [
        "the script is javascript: rewrite it in Python (scriptFormat python)"
    ]
    assert found["f6"][0].startswith("condition '${empty level or level.size() > 2}' is not")
    assert "set the property dueIn" in found["follow_up"][0]
    assert found["visit"] == [
        "candidate group 'night-shift' is not mapped to an organisation kind: add"
        ' "night-shift": "<kind>" to the group map (kinds: municipality, wellbeing_county,'
        " employment_area, economic_development_centre, kela, education_provider, third_sector)"
    ]


def test_a_group_mapped_to_no_kind_is_named_with_the_kinds_there_are():
    found = messages(converted("intake.bpmn", {**GROUPS, "te-office": "job centre"}).problems)
    assert found["housing"][0].startswith(
        "the group map maps 'te-office' to 'job centre', which is no organisation kind"
    )


def test_decision_references_and_collections_become_spiff_and_standard_bpmn():
    root = etree.fromstring(converted("features.bpmn").xml)
    decide = next(t for t in root.iter(f"{B}businessRuleTask"))
    assert decide.findtext(f"{B}extensionElements/{S}calledDecisionId") == "support_level"
    loop = next(root.iter(f"{B}multiInstanceLoopCharacteristics"))
    assert loop.findtext(f"{B}loopDataInputRef") == "members"
    assert loop.find(f"{B}inputDataItem").get("name") == "member"


def test_a_model_still_carrying_camunda_attributes_says_so_once(settings):
    data = (CAMUNDA / "intake.bpmn").read_bytes()
    (built,) = validate_file(data=data, settings=settings, library=lambda _key: None)
    leftovers = [p.message for p in built.problems if "Camunda 7" in p.message]
    assert leftovers == [
        "the model still carries Camunda 7 attributes that Pathways ignores"
        " (camunda:candidateGroups, camunda:dueDate, camunda:formData): convert it with"
        " `pathways models import-camunda`"
    ]


def test_a_converted_model_carries_no_such_problem(imported):
    conversion, settings = imported
    (built,) = validate_file(data=conversion.xml, settings=settings, library=lambda _key: None)
    assert built.problems == ()


def test_the_converted_model_deploys_and_a_case_runs_through_its_form(db, imported):
    conversion, settings = imported
    with db.tx() as s:
        factories.team(s)
        (deployed,) = processes.deploy(
            s, data=conversion.xml, actor=Actor.operator(), settings=settings
        )
        case = factories.start(s, settings, "camunda_intake")
        interview = factories.open_task(s, case.id, "interview")
        assert deployed.key == "camunda_intake"
        assert interview.organisation.code == "barsby"
        assert interview.due_at == clock.now() + timedelta(days=5)
        task_id = interview.id
    form = FormCatalog(settings.forms_dir).load("interview.schema.json")
    shown = render.fields(form, None, {}, {}, lambda text: text)
    assert [f.label for f in shown] == [
        "Full name", "Number of children", "Needs housing", "Arrived on", "Language", "Office",
    ]  # fmt: skip
    answers = {"full_name": "Amina", "children": 2, "needs_housing": True, "language": "sv"}
    with db.tx() as s:
        tasks.complete(
            s, task_id=task_id, data=answers, actor=factories.actor(s, "anna"), settings=settings
        )
    with db.tx() as s:
        assert factories.open_task(s, case.id, "housing").organisation.code == "westland-ea"
