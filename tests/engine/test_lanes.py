"""Which organisation kind does a step: its lane (in any of the three languages), the lane
of its embedded subprocess, or the process's default organisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways import clock
from pathways.engine import Budget, Pathway, build
from pathways.errors import InvalidModel
from pathways.forms.service import FormCatalog
from tests.model_xml import one_step

TESTS = Path(__file__).parents[1]
FORMS = FormCatalog(TESTS / "forms")
BUDGET = Budget(seconds=0.5, max_size=100_000)
DEFAULTED = (TESTS / "bpmn" / "default_organisation.bpmn").read_bytes()
EMBEDDED = (TESTS / "bpmn" / "embedded_lanes.bpmn").read_bytes()
DEFAULT_PROPERTY = b'<spiffworkflow:property name="defaultOrganisation" value="employment_area"/>'


def built(data: bytes):
    return build(data, max_bytes=2_000_000, check_form=FORMS.problem, budget=BUDGET)


def problems(data: bytes) -> list[str]:
    return [str(p) for process in built(data) for p in process.problems]


def first_lanes(data: bytes) -> list[str | None]:
    """The lanes of the steps a new case opens, then of those opened by completing each."""
    (process,) = built(data)
    pathway = Pathway(process.spec, BUDGET)
    with clock.frozen(clock.now()):
        advance = pathway.start({})
        lanes = [task.lane for task in advance.open_tasks]
        while advance.open_tasks:
            task = advance.open_tasks[0]
            advance = pathway.complete(advance.state, advance.serializer_version, task.spiff_id, {})
            lanes += [t.lane for t in advance.open_tasks]
    return lanes


@pytest.mark.parametrize(
    ("lane", "kind"),
    [
        ("Kunta", "municipality"),
        ("kommun", "municipality"),
        ("Hyvinvointialue", "wellbeing_county"),
        ("VÄLFÄRDSOMRÅDE", "wellbeing_county"),
        ("  Työllisyys alue ", "employment_area"),
        ("Sysselsättningsområde", "employment_area"),
        ("Elinvoimakeskus", "economic_development_centre"),
        ("livskrafts central", "economic_development_centre"),
        ("ELY-keskus", "economic_development_centre"),
        ("NTM central", "economic_development_centre"),
        ("FPA", "kela"),
        ("Koulutuksen järjestäjä", "education_provider"),
        ("Utbildningsanordnare", "education_provider"),
        ("Kolmas sektori", "third_sector"),
        ("Tredje sektorn", "third_sector"),
    ],
)
def test_lane_names_in_finnish_and_swedish_name_the_same_kinds(lane, kind):
    (process,) = built(one_step(lane=lane))
    assert process.problems == ()
    assert process.kinds == (kind,)


def test_steps_in_no_lane_are_one_problem_naming_each_step_and_every_accepted_lane():
    without = DEFAULTED.replace(DEFAULT_PROPERTY, b"")
    (problem,) = problems(without)
    assert problem.startswith(
        "interview: 2 steps are in no lane: 'Initial interview' (interview),"
        " 'Job-search discussion' (discussion)."
    )
    assert problem.count("Municipality / Kunta / Kommun (municipality)") == 1
    assert "Third sector / Kolmas sektori / Tredje sektorn (third_sector)" in problem
    assert problem.endswith("or set the process property defaultOrganisation to the kind's code")


def test_steps_in_no_lane_go_to_the_default_organisation_when_the_case_runs():
    (process,) = built(DEFAULTED)
    assert process.problems == ()
    assert process.kinds == ("employment_area",)
    assert first_lanes(DEFAULTED) == ["Employment area", "Employment area"]


def test_a_default_organisation_that_names_no_kind_is_refused_on_the_process():
    wrong = DEFAULTED.replace(b'value="employment_area"', b'value="Somewhere"')
    with pytest.raises(InvalidModel) as error:
        built(wrong)
    first = error.value.problems[0]
    assert first.element_id == "no_lanes"
    assert first.message.startswith("defaultOrganisation 'Somewhere' of process")


def test_the_default_does_not_move_steps_drawn_in_a_lane():
    data = DEFAULTED.replace(
        b"<bpmn:startEvent",
        b'<bpmn:laneSet id="ls"><bpmn:lane id="l" name="Kommun">'
        b"<bpmn:flowNodeRef>interview</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
        b"<bpmn:startEvent",
        1,
    )
    assert first_lanes(data) == ["Kommun", "Employment area"]


def test_with_a_default_a_lane_that_names_no_kind_is_drawing_only():
    data = DEFAULTED.replace(
        b"<bpmn:startEvent",
        b'<bpmn:laneSet id="ls"><bpmn:lane id="l" name="Sales department">'
        b"<bpmn:flowNodeRef>interview</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
        b"<bpmn:startEvent",
        1,
    )
    (process,) = built(data)
    assert process.problems == ()
    assert first_lanes(data) == ["Employment area", "Employment area"]
    without_default = data.replace(DEFAULT_PROPERTY, b"")
    assert any(
        "'Sales department'" in p and "names no organisation kind" in p
        for p in problems(without_default)
    )


def test_steps_of_an_embedded_subprocess_take_its_lane():
    assert problems(EMBEDDED) == []
    assert first_lanes(EMBEDDED) == ["Kunta", "Välfärdsområde"]


def test_steps_of_an_embedded_subprocess_in_no_lane_are_refused_at_validation():
    loose = EMBEDDED.replace(b"<bpmn:flowNodeRef>assessment</bpmn:flowNodeRef>", b"")
    (problem,) = problems(loose)
    assert problem.startswith("assess: 1 step is in no lane: 'Assess needs' (assess).")


def test_steps_of_a_called_process_in_no_lane_take_the_calling_steps_lane():
    processes = {p.key: p for p in built((TESTS / "bpmn" / "caller.bpmn").read_bytes())}
    assert processes["caller"].problems == ()
    assert processes["caller"].kinds == ("employment_area",)
