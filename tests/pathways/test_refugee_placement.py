"""Pathway 5: a refugee placed by the ELY Centre; the municipality's costs are reimbursed."""

from __future__ import annotations

from tests.pathways.conftest import (
    ASSESSMENT,
    CIVIC,
    ENDED,
    ESCALATION,
    GUIDANCE,
    NO_PLAN,
    PLAN,
    TRAINING,
    Case,
    at,
)

PLACEMENT = {"placement_agreed_on": "2026-11-23", "quota_refugee": True, "obvious_needs": False}
HOUSING = {"housing_type": "rental_flat", "moved_in_on": "2026-11-23"}
REGISTRATION = {"registered_on": "2026-11-23", "basic_information_given": True}

PATHWAY = "refugee-placement"


def arrived(db, library, **placement) -> Case:
    case = Case(db, library, "refugee_placement", {})
    assert case.open() == {"Task_placement": "westland-ely"}
    case.complete("Task_placement", "westland-ely", {**PLACEMENT, **placement})
    if placement.get("obvious_needs"):
        assert case.open() == {"Task_county_consulted": "westland-wbc"}
        case.complete("Task_county_consulted", "westland-wbc")
    case.complete("Task_housing", "barsby", HOUSING)
    case.complete("Task_registration", "barsby", REGISTRATION)
    return case


def test_a_quota_refugees_reimbursement_period_ends_after_three_years(db, library, frozen_clock):
    case = arrived(db, library, obvious_needs=True)
    assert case.open() == {"Task_initial_assessment": "barsby"}
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    case.complete("Task_integration_plan", "barsby", PLAN)
    case.complete("Task_language_training", "barsby-college", TRAINING)
    case.complete("Task_civic_orientation", "barsby", CIVIC)
    case.complete("Task_plan_review", "barsby", ENDED)
    assert case.state() == "running"  # the reimbursement period still runs
    frozen_clock.set(at("2029-11-22"))
    assert case.fire() == set()
    frozen_clock.set(at("2029-11-23", 12))
    assert case.fire() == {"Task_reimbursement_closed"}
    assert case.complete("Task_reimbursement_closed", "westland-ely")


def test_other_refugees_are_reimbursed_for_two_years(db, library, frozen_clock):
    case = arrived(db, library, quota_refugee=False)
    case.complete("Task_initial_assessment", "barsby", NO_PLAN)
    case.complete("Task_guidance", "barsby", GUIDANCE)
    frozen_clock.set(at("2028-11-23", 12))
    assert case.fire() == {"Task_reimbursement_closed"}
    assert case.open() == {"Task_reimbursement_closed": "westland-ely"}


def test_registering_as_a_jobseeker_moves_the_refugee_to_the_employment_area(
    db, library, frozen_clock
):
    case = arrived(db, library)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    case.complete("Task_integration_plan", "barsby", PLAN)
    assert case.message("registered_as_jobseeker", {"registered_on": "2026-11-23"}) == {
        "Task_initial_interview"
    }
    assert case.open() == {"Task_initial_interview": "westland-ea"}


def test_a_late_assessment_escalates_and_moving_away_hands_over(db, library, frozen_clock):
    case = arrived(db, library)
    frozen_clock.set(at("2027-01-23", 10))
    assert case.fire() == {"Task_escalate_assessment"}
    case.complete("Task_escalate_assessment", "barsby", ESCALATION)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    case.complete("Task_integration_plan", "barsby", PLAN)
    assert case.message("moved_away") == {"Task_hand_over"}
    case.complete("Task_hand_over", "barsby")
    assert case.open() == {}  # only the reimbursement period is left


def test_a_declined_plan_ends_the_plan(db, library, frozen_clock):
    case = arrived(db, library)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    assert case.message("plan_declined") == {"Task_record_declined"}
    case.complete("Task_record_declined", "barsby")
    assert case.open() == {}
