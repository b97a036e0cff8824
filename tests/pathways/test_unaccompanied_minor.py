"""Pathway 6: an unaccompanied minor; a plan always, after-care from 18 to 23."""

from __future__ import annotations

from tests.pathways.conftest import ASSESSMENT, CIVIC, COUNTY_JOINS, ENDED, PLAN, TRAINING, Case, at

PLACEMENT = {
    "assessed_on": "2026-11-23",
    "participants": ["reception_centre", "municipality", "representative", "young_person"],
    "housing_decision": "family_group_home",
    "turns_18_on": "2027-03-14",
}
HOUSING = {"housing_type": "family_group_home", "moved_in_on": "2026-11-23"}
AFTERCARE = {"aftercare_plan_agreed_on": "2027-03-14", "aftercare_support": ["housing", "studies"]}

PATHWAY = "unaccompanied-minor"


def test_a_minor_gets_a_plan_with_the_county_and_after_care_from_18_to_23(
    db, library, frozen_clock
):
    case = Case(db, library, "unaccompanied_minor", {})
    case.complete("Task_placement_assessment", "barsby", PLACEMENT)
    assert case.open() == {"Task_housing": "westland-wbc"}
    case.complete("Task_housing", "westland-wbc", HOUSING)
    # Even with no needs seen in the assessment, the county joins the plan.
    case.complete("Task_initial_assessment", "barsby", {**ASSESSMENT, "plan_needed": False})
    assert case.open() == {"Task_integration_plan": "barsby", "Task_county_joins": "westland-wbc"}
    case.complete("Task_county_joins", "westland-wbc", COUNTY_JOINS)
    case.complete("Task_integration_plan", "barsby", PLAN)
    case.complete("Task_language_training", "barsby-college", TRAINING)
    case.complete("Task_civic_orientation", "barsby", CIVIC)
    case.complete("Task_plan_review", "barsby", ENDED)
    # The 18th birthday, Sunday 14.3.2027: after-care planning opens on Monday 15.3.
    frozen_clock.set(at("2027-03-14", 12))
    assert case.fire() == set()
    frozen_clock.set(at("2027-03-15", 1))
    assert case.fire() == {"Task_aftercare_plan"}
    assert case.open() == {"Task_aftercare_plan": "westland-wbc"}
    case.complete("Task_aftercare_plan", "westland-wbc", AFTERCARE)
    # The 23rd birthday is Sunday 14.3.2032 too: after-care ends on Monday 15.3.
    frozen_clock.set(at("2032-03-14", 12))
    assert case.fire() == set()
    frozen_clock.set(at("2032-03-15", 1))
    assert case.fire() == {"Task_aftercare_ends"}
    assert case.complete("Task_aftercare_ends", "westland-wbc")


def test_moving_away_hands_the_services_over_while_after_care_waits(db, library, frozen_clock):
    case = Case(db, library, "unaccompanied_minor", {})
    case.complete("Task_placement_assessment", "barsby", PLACEMENT)
    case.complete("Task_housing", "westland-wbc", HOUSING)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    case.complete("Task_county_joins", "westland-wbc", COUNTY_JOINS)
    case.complete("Task_integration_plan", "barsby", PLAN)
    assert case.message("moved_away") == {"Task_hand_over"}
    case.complete("Task_hand_over", "barsby")
    assert case.open() == {} and case.state() == "running"
