"""Pathway 3: young people, routed by jobseeker status and school age after career guidance."""

from __future__ import annotations

from tests.pathways.conftest import (
    ASSESSMENT,
    CONTINUE,
    ENDED,
    ESCALATION,
    GUIDANCE,
    NO_PLAN,
    PLAN,
    Case,
    at,
)

GUIDED = {
    "guidance_given_on": "2026-11-23",
    "registered_jobseeker": False,
    "compulsory_school_age": False,
}

PATHWAY = "youth"


def guided(db, library, **answers) -> Case:
    case = Case(db, library, "youth", {})
    assert case.open() == {"Task_career_guidance": "barsby"}
    case.complete("Task_career_guidance", "barsby", {**GUIDED, **answers})
    return case


def test_a_registered_jobseeker_follows_the_jobseeker_pathway(db, library, frozen_clock):
    case = guided(db, library, registered_jobseeker=True)
    assert case.open() == {"Task_initial_interview": "westland-ea"}


def test_a_young_person_of_compulsory_school_age_goes_to_basic_education(db, library, frozen_clock):
    case = guided(db, library, compulsory_school_age=True)
    assert case.open() == {"Task_basic_education": "barsby-college"}
    school = {
        "referral_sent_on": "2026-11-23",
        "education_provider_name": "Barsby adult education centre",
        "course_name": "Basic education for adults",
        "course_language": "fi",
        "course_starts_on": "2027-01-11",
        "enrolled_on": "2026-11-23",
    }
    assert case.complete("Task_basic_education", "barsby-college", school)


def test_without_a_plan_the_municipality_gives_guidance(db, library, frozen_clock):
    case = guided(db, library)
    case.complete("Task_initial_assessment", "barsby", NO_PLAN)
    assert case.complete("Task_guidance", "barsby", GUIDANCE)


def test_two_missed_reviews_bring_in_the_countys_youth_social_work(db, library, frozen_clock):
    case = guided(db, library)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    case.complete("Task_integration_plan", "barsby", PLAN)
    assert case.due("Task_youth_review") == "2027-05-23"
    frozen_clock.set(at("2027-05-23", 12))
    assert case.fire() == {"Task_youth_review"}  # the first miss is counted, a new review opens
    assert case.open() == {"Task_youth_review": "barsby"}
    frozen_clock.set(at("2027-11-23", 12))
    assert case.fire() == {"Task_youth_social_work"}
    assert case.open() == {"Task_youth_social_work": "westland-wbc"}
    case.complete("Task_youth_social_work", "westland-wbc", ESCALATION)
    case.complete("Task_youth_review", "barsby", CONTINUE)
    assert case.open() == {"Task_youth_review": "barsby"}
    assert case.complete("Task_youth_review", "barsby", ENDED)


def test_a_declined_plan_ends_the_case(db, library, frozen_clock):
    case = guided(db, library)
    case.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    assert case.message("plan_declined") == {"Task_record_declined"}
    assert case.complete("Task_record_declined", "barsby")
