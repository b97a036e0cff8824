"""Pathway 7: older immigrants; a plan only when the assessment shows the need."""

from __future__ import annotations

from tests.pathways.conftest import (
    ASSESSMENT,
    CIVIC,
    CONTINUE,
    COUNTY_JOINS,
    ENDED,
    GUIDANCE,
    NEEDS_COUNTY,
    NO_PLAN,
    PLAN,
    TRAINING,
    Case,
    at,
)
from tests.pathways.test_client_events import moved

PATHWAY = "older-immigrant"


def assessed(db, library, assessment) -> Case:
    case = Case(db, library, "older_immigrant", {})
    case.complete("Task_guidance", "barsby", GUIDANCE)
    case.complete("Task_initial_assessment", "barsby", assessment)
    return case


def test_without_a_need_for_a_plan_civic_orientation_closes_the_case(db, library, frozen_clock):
    case = assessed(db, library, NO_PLAN)
    assert case.open() == {"Task_civic_orientation": "barsby"}
    assert case.complete("Task_civic_orientation", "barsby", CIVIC)


def test_a_plan_with_the_countys_services_is_reviewed_every_six_months(db, library, frozen_clock):
    case = assessed(db, library, NEEDS_COUNTY)
    case.complete("Task_county_joins", "westland-wbc", COUNTY_JOINS)
    case.complete("Task_integration_plan", "barsby", PLAN)
    case.complete("Task_language_training", "barsby-college", TRAINING)
    case.complete("Task_civic_orientation", "barsby", CIVIC)
    case.complete("Task_plan_review", "barsby", CONTINUE)
    frozen_clock.set(at("2027-05-24"))
    assert case.fire() == {"Task_escalate_review"}
    assert case.complete("Task_plan_review", "barsby", ENDED) is False  # the escalation is open
    assert case.open() == {"Task_escalate_review": "barsby"}


def test_a_late_assessment_escalates_after_two_months(db, library, frozen_clock):
    case = Case(db, library, "older_immigrant", {})
    case.complete("Task_guidance", "barsby", GUIDANCE)
    frozen_clock.set(at("2027-01-23", 10))
    assert case.fire() == {"Task_escalate_assessment"}


def test_moving_away_and_declining_end_the_case(db, ostby, frozen_clock):
    library = ostby
    declining = assessed(db, library, ASSESSMENT)
    assert declining.message("plan_declined") == {"Task_record_declined"}
    assert declining.complete("Task_record_declined", "barsby")
    moving = Case(db, library, "older_immigrant", {})
    moving.complete("Task_guidance", "barsby", GUIDANCE)
    moving.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    moving.complete("Task_integration_plan", "barsby", PLAN)
    moved(moving)  # and continues in Ostby


def test_a_plan_declined_while_its_services_run_is_recorded_and_ends_the_case(
    db, library, frozen_clock
):
    case = Case(db, library, "older_immigrant", {})
    case.complete("Task_guidance", "barsby", GUIDANCE)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    case.complete("Task_integration_plan", "barsby", PLAN)
    assert case.message("plan_declined") == {"Task_record_declined_during_services"}
    assert case.complete("Task_record_declined_during_services", "barsby")
