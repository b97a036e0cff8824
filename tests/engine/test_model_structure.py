"""Structural faults are named all at once, each on its element with its name, and no
fault of an untrusted file escapes as an exception other than `InvalidModel`."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.engine import Budget, build
from pathways.errors import InvalidModel
from pathways.forms.service import FormCatalog
from tests.model_xml import one_step

TESTS = Path(__file__).parents[1]
FORMS = FormCatalog(TESTS / "forms")
HOSTILE = sorted((TESTS / "bpmn" / "hostile").glob("*.bpmn"))


def faults(data: bytes, library=lambda _key: None) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidModel) as error:
        build(
            data,
            max_bytes=2_000_000,
            check_form=FORMS.problem,
            budget=Budget(seconds=0.5),
            library=library,
        )
    return [(p.element_id, p.message) for p in error.value.problems]


def test_independent_faults_of_one_model_are_all_named_with_their_elements():
    data = (
        one_step()
        .replace(b'<bpmn:endEvent id="end"/>', b'<bpmn:endEvent id="end"/><bpmn:bogus id="b"/>')
        .replace(b'sourceRef="work" targetRef="end"', b'sourceRef="work" targetRef="gone"')
        .replace(
            b'<bpmn:endEvent id="end"/>',
            b'<bpmn:endEvent id="end"/><bpmn:callActivity id="call" name="Call nothing"/>',
        )
    )
    found = faults(data)
    assert any("bogus" in message for _, message in found)  # the schema's own complaint
    assert (
        "f_work",
        "sequence flow 'f_work' ends at 'gone', which is not an element beside it",
    ) in found
    assert "call" in [element for element, _ in found]


def test_lint_problems_of_a_process_that_builds_come_with_the_faults_of_another():
    broken = (
        b'<bpmn:process id="broken" isExecutable="true"><bpmn:startEvent id="b_start"/>'
        b'<bpmn:sequenceFlow id="b_flow" sourceRef="b_start" targetRef="gone"/></bpmn:process>'
    )
    good = one_step(lane="Nowhere").replace(b"</bpmn:definitions>", broken + b"</bpmn:definitions>")
    found = faults(good)
    assert any(e == "work" and m.startswith("lane 'Nowhere'") for e, m in found)
    assert "b_flow" in [element for element, _ in found]


def test_a_call_activity_without_called_element_is_named_with_its_name():
    data = (
        one_step()
        .replace(
            b'<bpmn:userTask id="work" name="Work">', b'<bpmn:callActivity id="work" name="Ask">'
        )
        .replace(b"</bpmn:userTask>", b"</bpmn:callActivity>")
    )
    assert faults(data) == [
        (
            "work",
            "call activity 'Ask' (work) names no process to call: set its called element"
            " (calledElement) to the id of a process",
        )
    ]


def test_a_service_task_without_operator_says_what_to_model_instead():
    data = (
        one_step()
        .replace(
            b'<bpmn:userTask id="work" name="Work">', b'<bpmn:serviceTask id="work" name="Ask">'
        )
        .replace(b"</bpmn:userTask>", b"</bpmn:serviceTask>")
    )
    ((element, message),) = faults(data)
    assert element == "work"
    assert message.startswith("service tasks are not supported: model the step as a user task")


def test_a_process_that_calls_itself_is_refused_on_the_call_activity():
    data = (TESTS / "bpmn" / "hostile" / "calls-itself.bpmn").read_bytes()
    assert faults(data) == [
        (
            "work",
            "call activity 'Again' (work) calls process 'hostile' back, which it is part of:"
            " a pathway cannot call itself",
        )
    ]


def test_a_called_process_nobody_defines_is_named_on_the_call_activity():
    data = (TESTS / "bpmn" / "hostile" / "call-to-unknown-process.bpmn").read_bytes()
    assert faults(data) == [
        ("work", "calls process 'not_anywhere', which is neither in this file nor deployed")
    ]


def test_a_called_process_is_found_in_the_library():
    caller = (TESTS / "bpmn" / "caller.bpmn").read_text()
    start = caller.index('<bpmn:process id="shared_step"')
    end = caller.index("</bpmn:process>", start) + len("</bpmn:process>")
    only_caller = (caller[:start] + caller[end:]).encode()
    shared = caller[: caller.index("<bpmn:process")] + caller[start:end] + "</bpmn:definitions>"
    assert faults(only_caller)[0][1].startswith("calls process 'shared_step'")
    processes = build(
        only_caller,
        max_bytes=2_000_000,
        check_form=FORMS.problem,
        budget=Budget(seconds=0.5),
        library=lambda key: shared.encode() if key == "shared_step" else None,
    )
    assert [(p.key, p.problems) for p in processes] == [("caller", ())]


@pytest.mark.parametrize("path", HOSTILE, ids=[p.name for p in HOSTILE])
def test_a_hostile_or_malformed_file_builds_or_is_refused_with_problems(path):
    try:
        build(
            path.read_bytes(),
            max_bytes=2_000_000,
            check_form=FORMS.problem,
            budget=Budget(seconds=0.5),
        )
    except InvalidModel as error:
        assert error.problems
        assert all(p.message and "Traceback" not in p.message for p in error.problems)
