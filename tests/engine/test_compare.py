"""The diff of two versions reports what a designer changed and nothing else: a file
re-saved with its flows in another order, its lane spelt another way, empty properties
written out or white space around its scripts shows no change; a changed condition,
script, name, form or lane does."""

from __future__ import annotations

from pathlib import Path

from pathways.engine import Budget, build, compare
from pathways.forms.service import FormCatalog

FORMS = FormCatalog(Path(__file__).parents[1] / "forms")
GATEWAY = (Path(__file__).parents[1] / "bpmn" / "gateway.bpmn").read_bytes()


def spec(data: bytes) -> str:
    (process,) = build(data, max_bytes=2_000_000, check_form=FORMS.problem, budget=Budget(1))
    return process.spec


def changes(edited: bytes) -> dict[str, list[str]]:
    diff = compare(spec(GATEWAY), spec(edited))
    assert diff.added == () and diff.removed == ()
    return {e.id: list(e.settings) for e in diff.changed}


def edit(*pairs: tuple[bytes, bytes]) -> bytes:
    data = GATEWAY
    for old, new in pairs:
        assert old in data, old
        data = data.replace(old, new)
    return data


def test_the_same_file_has_no_changes():
    assert changes(GATEWAY) == {}


def test_how_the_file_spells_things_is_no_change():
    respelt = edit(
        # the gateway's flows listed the other way round
        (
            b"<bpmn:outgoing>f_yes</bpmn:outgoing><bpmn:outgoing>f_no</bpmn:outgoing>",
            b"<bpmn:outgoing>f_no</bpmn:outgoing><bpmn:outgoing>f_yes</bpmn:outgoing>",
        ),
        (
            b'<bpmn:sequenceFlow id="f_no" sourceRef="route" targetRef="civic"/>',
            b"",
        ),
        (
            b'<bpmn:sequenceFlow id="f3"',
            b'<bpmn:sequenceFlow id="f_no" sourceRef="route" targetRef="civic"/>\n'
            b'    <bpmn:sequenceFlow id="f3"',
        ),
        # the lane by its English name instead of the same kind shouted with two spaces
        (b'name="EMPLOYMENT  AREA"', b'name="Employment area"'),
        # white space around the script and the timer's expression
        (b"<bpmn:script>interview_due", b"<bpmn:script>\n  interview_due"),
        (b"len(summary)</bpmn:script>", b"len(summary)   \n</bpmn:script>"),
        (b"<bpmn:timeDate>interview_due<", b"<bpmn:timeDate> interview_due <"),
        # an empty property written out on a task that had none
        (
            b'<bpmn:userTask id="civic" name="Civic orientation">',
            b'<bpmn:userTask id="civic" name="Civic orientation"><bpmn:extensionElements>'
            b'<spiffworkflow:properties><spiffworkflow:property name="dueIn" value=""/>'
            b"</spiffworkflow:properties></bpmn:extensionElements>",
        ),
    )
    assert changes(respelt) == {}


def test_what_a_designer_changed_is_reported_on_its_element():
    edited = edit(
        (b"jobseeker == True", b"jobseeker == False"),
        (b"working_days_later(10)", b"working_days_later(12)"),
        (b'name="Civic orientation"', b'name="Civic orientation course"'),
        (b'name="EMPLOYMENT  AREA"', b'name="Kela"'),
    )
    found = changes(edited)
    assert found["route"] == ["cond_task_specs"]
    assert found["prepare"] == ["script"]
    assert found["civic"] == ["bpmn_name"]
    assert found["interview"] == ["lane"]
    assert set(found) == {"route", "prepare", "civic", "interview", "end_employment"}
