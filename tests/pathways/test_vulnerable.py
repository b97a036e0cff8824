"""Pathway 4: clients in a vulnerable position; the county is asked to join every plan."""

from __future__ import annotations

from tests.pathways.conftest import (
    ASSESSMENT,
    CIVIC,
    COUNTY_JOINS,
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

PATHWAY = "vulnerable"


def assessed(db, library, eligibility=ELIGIBLE, assessment=ASSESSMENT) -> Case:
    case = Case(db, library, "vulnerable", {})
    case.complete("Task_eligibility", "barsby", eligibility)
    case.complete("Task_initial_assessment", "barsby", assessment)
    return case


def test_the_county_joins_every_plan_and_its_late_answer_escalates_to_its_team_lead(
    db, library, frozen_clock
):
    case = assessed(db, library)  # the assessment saw no social or health needs
    assert case.open() == {"Task_integration_plan": "barsby", "Task_county_joins": "westland-wbc"}
    # Monday 23.11. + 10 working days = Monday 7.12. (Independence Day 6.12. is a Sunday).
    assert case.due("Task_county_joins") == "2026-12-07"
    frozen_clock.set(at("2026-12-04", 18))
    assert case.fire() == set()
    frozen_clock.set(at("2026-12-07", 10))
    # The plan's 14 days end the same Monday at 09:00; the county's ends with the day.
    assert case.fire() == {"Task_escalate_plan"}
    frozen_clock.set(at("2026-12-08", 0))
    assert case.fire() == {"Task_escalate_county"}
    assert case.open()["Task_escalate_county"] == "westland-wbc"
    assert case.open()["Task_escalate_plan"] == "barsby"
    case.complete("Task_escalate_county", "westland-wbc", ESCALATION)
    case.complete("Task_county_joins", "westland-wbc", COUNTY_JOINS)
    case.complete("Task_integration_plan", "barsby", PLAN)
    case.complete("Task_language_training", "barsby-college", TRAINING)
    case.complete("Task_civic_orientation", "barsby", CIVIC)
    assert case.complete("Task_plan_review", "barsby", {**ENDED, "county_took_part": True})


def test_a_victim_of_trafficking_is_eligible_outside_the_three_year_window(
    db, library, frozen_clock
):
    case = Case(db, library, "vulnerable", {})
    case.complete("Task_eligibility", "barsby", {**NOT_ELIGIBLE, "trafficking_victim": True})
    assert case.open() == {"Task_initial_assessment": "barsby"}


def test_outside_the_window_the_case_ends(db, library, frozen_clock):
    case = Case(db, library, "vulnerable", {})
    assert case.complete("Task_eligibility", "barsby", NOT_ELIGIBLE)


def test_without_a_plan_the_municipality_gives_guidance(db, library, frozen_clock):
    case = assessed(db, library, assessment=NO_PLAN)
    assert case.complete("Task_guidance", "barsby", GUIDANCE)


def test_moving_away_and_declining_end_the_case(db, ostby, frozen_clock):
    library = ostby
    declining = assessed(db, library)
    assert declining.message("plan_declined") == {"Task_record_declined"}
    assert declining.complete("Task_record_declined", "barsby")
    moving = Case(db, library, "vulnerable", {})
    moving.complete("Task_eligibility", "barsby", ELIGIBLE)
    moving.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    moving.complete("Task_county_joins", "westland-wbc", COUNTY_JOINS)
    moving.complete("Task_integration_plan", "barsby", PLAN)
    moved(moving)  # and continues in Ostby
