"""Deploy-time checks: hostile XML is refused, every model problem is named with its element."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.engine import Budget, build
from pathways.errors import InvalidModel
from pathways.forms.service import FormCatalog
from tests.model_xml import HEAD, one_step

FORMS = FormCatalog(Path(__file__).parents[1] / "forms")
BPMN = Path(__file__).parents[1] / "bpmn"


def built(data: bytes, max_bytes: int = 2_000_000):
    return build(data, max_bytes=max_bytes, check_form=FORMS.problem, budget=Budget(seconds=0.5))


def problems(data: bytes) -> list[str]:
    return [str(p) for process in built(data) for p in process.problems]


def refused(data: bytes, max_bytes: int = 2_000_000) -> str:
    with pytest.raises(InvalidModel) as error:
        built(data, max_bytes)
    return error.value.message


def test_a_clean_model_builds_with_its_forms_and_lane_kinds():
    (process,) = built((BPMN / "handoff.bpmn").read_bytes())
    assert process.key == "handoff"
    assert process.problems == ()
    assert process.forms == ("guidance.schema.json",)
    assert process.kinds == ("employment_area", "municipality")
    assert "Two steps" in (process.documentation or "")


def test_malformed_xml_is_refused():
    assert "not well-formed XML" in refused(b"<bpmn:definitions><unclosed>")


@pytest.mark.parametrize(
    "entity",
    [
        '<!ENTITY x SYSTEM "file:///etc/hostname">',
        '<!ENTITY x SYSTEM "http://127.0.0.1:9/evil">',
        '<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;',
    ],
)
def test_external_entities_are_refused_without_being_read(entity):
    document = (
        f'<?xml version="1.0"?><!DOCTYPE d [{entity}]>'
        + HEAD[HEAD.index("<bpmn:") :]
        + "&x;</bpmn:definitions>"
    )
    message = refused(document.encode())
    assert message == "a DOCTYPE is not allowed in a BPMN file"
    hostname = Path("/etc/hostname")
    if hostname.exists():
        assert hostname.read_text().strip() not in message


def test_billion_laughs_is_stopped_while_parsing():
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    document = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{lol}]><d>&l9;</d>'
    message = refused(document.encode())
    assert message.startswith("not well-formed XML: Maximum entity amplification")


def test_elements_the_bpmn_schema_does_not_know_are_refused():
    data = one_step().replace(
        b'<bpmn:endEvent id="end"/>', b'<bpmn:endEvent id="end"/><bpmn:bogus id="b"/>'
    )
    message = refused(data)
    assert "bogus" in message and "This element is not expected" in message


def test_an_oversized_upload_is_refused_before_parsing():
    huge = one_step() + b" " * (50 * 1024 * 1024)
    assert "larger than" in refused(huge, max_bytes=2_000_000)


def test_a_document_that_is_not_bpmn_is_refused():
    assert "not BPMN 2.0" in refused(b"<html/>")


def test_a_file_without_executable_process_is_refused():
    assert "no executable process" in refused(
        one_step().replace(b'isExecutable="true"', b'isExecutable="false"')
    )


def test_a_process_without_start_event_is_refused():
    data = one_step().replace(b'<bpmn:startEvent id="start"/>', b"")
    data = data.replace(
        b'<bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="work"></bpmn:sequenceFlow>',
        b"",
    )
    message = refused(data)
    assert "start" in message.lower()


def test_a_lane_that_names_no_organisation_kind_is_a_problem_of_its_task():
    assert problems(one_step(lane="Somewhere else")) == [
        "work: lane 'Somewhere else' of 'Work' (work) names no organisation kind (use one of: "
        "Municipality / Kunta / Kommun (municipality); "
        "Wellbeing services county / Hyvinvointialue / Välfärdsområde (wellbeing_county); "
        "Employment area / Työllisyysalue / Sysselsättningsområde (employment_area); "
        "Economic Development Centre / Elinvoimakeskus / Livskraftscentral"
        " (economic_development_centre); Kela / FPA (kela); "
        "Education provider / Koulutuksen järjestäjä / Utbildningsanordnare "
        "(education_provider); Third sector / Kolmas sektori / Tredje sektorn (third_sector); "
        "Lead organisation (in a called process))"
    ]


@pytest.mark.parametrize(
    "lane", ["Employment area", "employment_area", "  EMPLOYMENT   area ", "Kela"]
)
def test_lane_names_ignore_case_and_spacing(lane):
    assert problems(one_step(lane=lane)) == []


def test_a_missing_form_is_a_problem():
    # Named by the element that wants it; neither the name nor the server's folder is echoed.
    assert problems(one_step(form="nowhere.schema.json")) == ["work: no such form"]


def test_a_form_that_is_not_json_schema_is_a_problem():
    (problem,) = problems(one_step(form="not-a-schema.schema.json"))
    assert problem.startswith("work: form 'not-a-schema.schema.json' is not valid JSON Schema")


def test_a_form_name_cannot_walk_out_of_the_forms_folder():
    (problem,) = problems(one_step(form="../../etc/passwd.json"))
    assert "a form file name is" in problem


def test_a_bad_due_property_is_a_problem():
    assert problems(one_step(due_in="two weeks")) == [
        "work: dueIn 'two weeks' is not an ISO 8601 duration such as P14D"
    ]


@pytest.mark.parametrize(
    "escape",
    [
        "().__class__.__base__.__subclasses__()",
        "__import__('os').system('id')",
        "import os",
    ],
)
def test_scripts_that_reach_outside_the_sandbox_do_not_deploy(escape):
    (problem,) = problems(one_step(script=escape))
    assert problem.startswith("script: script does not compile in the sandbox")


def test_gateway_conditions_that_reach_outside_the_sandbox_do_not_deploy():
    (problem,) = problems(one_step(condition="().__class__.__base__.__subclasses__()"))
    assert problem.startswith("gate: condition to other does not compile in the sandbox")


def test_timer_expressions_are_evaluated_at_deploy():
    assert problems(one_step(timer='"P14D"')) == []
    assert problems(one_step(timer='"fortnight"')) == [
        "deadline: timer value 'fortnight' is not a valid ISO 8601 duration such as P14D (quoted: \"P14D\")"
    ]
    # Bare ISO text, as other tools and BPMN itself write it, reads as that text.
    assert problems(one_step(timer="P14D")) == []
    assert problems(one_step(timer="P14DT")) == [
        'deadline: timer expression P14DT is Python: write it as a string, "P14DT"'
    ]


def test_timer_expressions_that_read_case_data_are_checked_for_syntax_only():
    assert problems(one_step(timer="f'P{days}D'")) == []
    (problem,) = problems(one_step(timer="f'P{days}D"))
    assert "does not compile" in problem


def test_every_problem_of_a_model_is_reported_at_once():
    data = one_step(lane="Nowhere", form="missing.schema.json", script="import os")
    assert len(problems(data)) == 3


def test_service_tasks_are_refused():
    data = one_step(script="x = 1").replace(
        b'<bpmn:scriptTask id="script" name="Compute"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>',
        b'<bpmn:serviceTask id="script" name="Call out"><bpmn:extensionElements>'
        b'<spiffworkflow:serviceTaskOperator id="http/GetRequest"><spiffworkflow:parameters/>'
        b"</spiffworkflow:serviceTaskOperator></bpmn:extensionElements>"
        b"</bpmn:serviceTask>",
    )
    assert problems(data) == [
        "script: service tasks are not supported: model the step as a user task"
        " (a caseworker does or records it) or as a script task"
    ]
