"""Pathway 2: outside the labour force, led by the municipality, until the client registers."""

from __future__ import annotations

import pytest

from pathways.cases import service as cases
from pathways.errors import Conflict
from pathways.record import consents
from tests import factories
from tests.pathways.conftest import (
    ASSESSMENT,
    CIVIC,
    CONTINUE,
    ELIGIBLE,
    ENDED,
    ESCALATION,
    GUIDANCE,
    NO_PLAN,
    NOT_ELIGIBLE,
    PLAN,
    TRAINING,
    Case,
    at,
)
from tests.pathways.test_client_events import moved

INTERVIEW = {
    "interview_held_on": "2026-11-20",
    "interview_channel": "in_person",
    "interview_language": "Arabic",
    "interpreter_used": True,
}

PATHWAY = "outside-labour-force"


def planned(db, library) -> Case:
    case = Case(db, library, "outside_labour_force", {})
    case.complete("Task_eligibility", "barsby", ELIGIBLE)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    case.complete("Task_integration_plan", "barsby", PLAN)
    return case


def test_outside_the_three_year_window_the_case_ends(db, library, frozen_clock):
    case = Case(db, library, "outside_labour_force", {})
    assert case.complete("Task_eligibility", "barsby", NOT_ELIGIBLE)


def test_without_a_plan_guidance_civic_orientation_and_a_third_sector_activity(
    db, library, frozen_clock
):
    case = Case(db, library, "outside_labour_force", {})
    case.complete("Task_eligibility", "barsby", ELIGIBLE)
    case.complete("Task_initial_assessment", "barsby", NO_PLAN)
    case.complete("Task_guidance", "barsby", GUIDANCE)
    assert case.open() == {"Task_civic_orientation": "barsby", "Task_third_sector": "barsby-forum"}
    case.complete("Task_civic_orientation", "barsby", CIVIC)
    activity = {"organisation_name": "Barsby parents", "activity": "parents_group"}
    with pytest.raises(Conflict, match="waits for the client's consent"):
        case.complete("Task_third_sector", "barsby-forum", activity)
    with db.tx() as s:
        consents.give(
            s,
            instance=cases.get(s, case.id),
            kinds=["third_sector"],
            steps=[],
            given_on=frozen_clock().date(),
            method="in_person",
            actor=factories.actor(s, "anna"),
        )
    assert case.complete("Task_third_sector", "barsby-forum", activity)


def test_a_plan_runs_through_training_and_six_monthly_reviews(db, library, frozen_clock):
    case = planned(db, library)
    assert case.open() == {
        "Task_language_training": "barsby-college",
        "Task_civic_orientation": "barsby",
    }
    case.complete("Task_language_training", "barsby-college", TRAINING)
    case.complete("Task_civic_orientation", "barsby", CIVIC)
    assert case.due("Task_plan_review") == "2027-05-23"
    case.complete("Task_plan_review", "barsby", CONTINUE)
    assert case.complete("Task_plan_review", "barsby", ENDED)


def test_a_late_assessment_and_a_late_review_escalate_in_the_municipality(
    db, library, frozen_clock
):
    case = Case(db, library, "outside_labour_force", {})
    case.complete("Task_eligibility", "barsby", ELIGIBLE)
    frozen_clock.set(at("2027-01-22"))
    assert case.fire() == set()
    frozen_clock.set(at("2027-01-23", 10))
    assert case.fire() == {"Task_escalate_assessment"}
    case.complete("Task_escalate_assessment", "barsby", ESCALATION)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    case.complete("Task_integration_plan", "barsby", PLAN)
    case.complete("Task_language_training", "barsby-college", TRAINING)
    case.complete("Task_civic_orientation", "barsby", CIVIC)
    frozen_clock.set(at("2027-07-23", 12))
    assert case.fire() == {"Task_escalate_review"}
    assert case.open()["Task_escalate_review"] == "barsby"


def test_registering_as_a_jobseeker_moves_the_case_with_its_assessment(db, library, frozen_clock):
    case = planned(db, library)
    frozen_clock.set(at("2027-03-03"))
    opened = case.message("registered_as_jobseeker", {"registered_on": "2027-03-01"})
    assert opened == {"Task_initial_interview"}
    assert case.open() == {"Task_initial_interview": "westland-ea"}
    # Counted from the registration, Monday 1.3.2027: + 10 working days = Monday 15.3.
    assert case.due("Task_initial_interview") == "2027-03-15"
    assert "Work as a nurse." in case.data_text()
    case.complete("Task_initial_interview", "westland-ea", INTERVIEW)
    # The municipality's assessment came along: the employment area goes straight to its plan.
    assert case.open() == {"Task_integration_plan": "westland-ea"}


def test_registering_while_the_plan_is_drawn_up_also_moves_the_case(db, library, frozen_clock):
    case = Case(db, library, "outside_labour_force", {})
    case.complete("Task_eligibility", "barsby", ELIGIBLE)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    assert case.open() == {"Task_integration_plan": "barsby"}
    case.message("registered_as_jobseeker", {"registered_on": "2026-11-23"})
    assert case.open() == {"Task_initial_interview": "westland-ea"}


def test_moving_away_ends_the_case_and_opens_it_in_the_new_municipality(db, ostby, frozen_clock):
    case = planned(db, ostby)
    moved(case)


def test_a_declined_plan_ends_the_case(db, library, frozen_clock):
    case = Case(db, library, "outside_labour_force", {})
    case.complete("Task_eligibility", "barsby", ELIGIBLE)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    assert case.message("plan_declined") == {"Task_record_declined"}
    assert case.complete("Task_record_declined", "barsby")


def test_a_plan_declined_while_its_services_run_is_recorded_and_ends_the_case(
    db, library, frozen_clock
):
    case = planned(db, library)
    assert case.message("plan_declined") == {"Task_record_declined_during_services"}
    assert case.complete("Task_record_declined_during_services", "barsby")
