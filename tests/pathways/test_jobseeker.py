"""Pathway 1: a registered jobseeker, led by the employment area."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from pathways.cases import service as cases
from pathways.deadlines.models import Timer, TimerState
from pathways.record.models import RecordEntry
from pathways.record.reopening import reopen
from pathways.tasks.models import Task
from tests import factories
from tests.pathways.conftest import (
    ASSESSMENT,
    CIVIC,
    COUNTY_JOINS,
    ESCALATION,
    GUIDANCE,
    NEEDS_COUNTY,
    NO_PLAN,
    PLAN,
    TRAINING,
    Case,
    at,
)

INTERVIEW = {
    "interview_held_on": "2026-11-20",
    "interview_channel": "in_person",
    "interview_language": "English",
    "interpreter_used": False,
}
REFERRAL = {
    "referral_sent_on": "2026-11-21",
    "education_provider_name": "Barsby adult education centre",
    "course_language": "fi",
    "course_starts_on": "2027-01-11",
    "enrolled_on": "2026-11-22",
}
DISCUSSION = {
    "discussion_held_on": "2026-11-22",
    "discussion_channel": "phone",
    "job_search_summary": "Applied for three jobs.",
    "plan_reviewed": True,
}

PATHWAY = "jobseeker"


def assessed(db, library, assessment=ASSESSMENT) -> Case:
    case = Case(db, library, "jobseeker", {"registered_on": "2026-11-20"})
    case.complete("Task_initial_interview", "westland-ea", INTERVIEW)
    case.complete("Task_initial_assessment", "westland-ea", assessment)
    return case


def test_a_jobseeker_goes_from_registration_through_training_to_work(db, library, frozen_clock):
    case = assessed(db, library, NEEDS_COUNTY)
    assert case.open() == {
        "Task_integration_plan": "westland-ea",
        "Task_county_joins": "westland-wbc",
    }
    case.complete("Task_county_joins", "westland-wbc", COUNTY_JOINS)
    case.complete("Task_integration_plan", "westland-ea", PLAN)
    case.complete("Task_referral", "westland-ea", REFERRAL)
    assert case.open() == {
        "Task_integration_training": "barsby-college",
        "Task_civic_orientation": "barsby",
    }
    case.complete("Task_integration_training", "barsby-college", TRAINING)
    case.complete("Task_civic_orientation", "barsby", CIVIC)
    case.complete(
        "Task_job_search_discussion", "westland-ea", {**DISCUSSION, "outcome": "continue"}
    )
    assert case.open() == {"Task_job_search_discussion": "westland-ea"}
    done = case.complete(
        "Task_job_search_discussion",
        "westland-ea",
        {**DISCUSSION, "outcome": "employed", "employment_start_on": "2027-04-01"},
    )
    assert done and case.state() == "completed"


def test_the_plan_maximum_ends_in_an_ordinary_employment_plan(db, library, frozen_clock):
    case = assessed(db, library)
    assert case.open() == {"Task_integration_plan": "westland-ea"}
    case.complete("Task_integration_plan", "westland-ea", PLAN)
    case.complete("Task_referral", "westland-ea", REFERRAL)
    case.complete("Task_integration_training", "barsby-college", TRAINING)
    case.complete("Task_civic_orientation", "barsby", CIVIC)
    outcome = {**DISCUSSION, "outcome": "plan_maximum_reached"}
    assert case.complete("Task_job_search_discussion", "westland-ea", outcome)


def test_without_a_plan_the_municipality_gives_guidance(db, library, frozen_clock):
    case = assessed(db, library, NO_PLAN)
    assert case.open() == {"Task_guidance": "barsby"}
    assert case.complete("Task_guidance", "barsby", GUIDANCE)


def assessment_record(db, case: Case) -> dict:
    with db.tx() as s:
        entry = s.scalars(
            select(RecordEntry).where(
                RecordEntry.instance_id == case.id, RecordEntry.step == "Task_initial_assessment"
            )
        ).one()
        return dict(entry.data)


def test_the_note_for_the_county_is_not_kept_when_no_plan_follows(db, library, frozen_clock):
    note = "Needs family counselling"
    case = assessed(
        db, library, {**NO_PLAN, "social_or_health_needs": True, "county_request_reason": note}
    )
    assert case.open() == {"Task_guidance": "barsby"}
    recorded = assessment_record(db, case)
    assert "county_request_reason" not in recorded and recorded["plan_needed"] is False
    assert note not in case.data_text()  # nor in the case's data


def test_the_note_for_the_county_is_kept_when_the_county_is_asked(db, library, frozen_clock):
    case = assessed(db, library, NEEDS_COUNTY)
    assert assessment_record(db, case)["county_request_reason"] == "Family"
    assert "Task_county_joins" in case.open()


def test_a_missed_initial_interview_escalates_once_the_tenth_working_day_is_over(
    db, library, frozen_clock
):
    case = Case(db, library, "jobseeker", {"registered_on": "2026-11-20"})
    # Friday 20.11. + 10 working days = Friday 4.12. (6.12. Independence Day is a Sunday).
    assert case.due("Task_initial_interview") == "2026-12-04"
    for moment in (at("2026-12-04", 0), at("2026-12-05", 0) - timedelta(microseconds=1)):
        frozen_clock.set(moment)  # the whole of the due day is still in time
        assert case.fire() == set()
    frozen_clock.set(at("2026-12-05", 0))  # Saturday 00:00 in Helsinki
    assert case.fire() == {"Task_escalate_interview"}
    assert case.open() == {
        "Task_initial_interview": "westland-ea",
        "Task_escalate_interview": "westland-ea",
    }
    case.complete("Task_escalate_interview", "westland-ea", ESCALATION)
    assert case.open() == {"Task_initial_interview": "westland-ea"}


def test_late_plan_county_answer_and_enrolment_escalate(db, library, frozen_clock):
    case = assessed(db, library, NEEDS_COUNTY)
    # Monday 23.11.: the county's 10 working days end on Monday 7.12. (Independence Day is a Sunday).
    assert case.due("Task_county_joins") == "2026-12-07"
    frozen_clock.set(at("2026-12-04", 12))
    assert case.fire() == set()
    frozen_clock.set(at("2026-12-07", 12))  # the plan's 14 days ran out at 09:00
    assert case.fire() == {"Task_escalate_plan"}
    frozen_clock.set(at("2026-12-07", 23))
    assert case.fire() == set()
    frozen_clock.set(at("2026-12-08", 0))  # the county's last working day is over
    assert case.fire() == {"Task_escalate_county"}
    assert case.open()["Task_escalate_county"] == "westland-wbc"
    assert case.open()["Task_escalate_plan"] == "westland-ea"
    case.complete("Task_county_joins", "westland-wbc", COUNTY_JOINS)
    case.complete("Task_integration_plan", "westland-ea", PLAN)
    # "Plan agreed" withdrew the escalations that chased the plan.
    assert case.open() == {"Task_referral": "westland-ea"}
    frozen_clock.set(at("2027-06-08", 12))
    assert case.fire() == {"Task_escalate_enrolment"}


def test_a_declined_plan_ends_the_case(db, library, frozen_clock):
    case = assessed(db, library)
    assert case.message("plan_declined", {"reason": "moving abroad"}) == {"Task_record_declined"}
    assert case.open() == {"Task_record_declined": "westland-ea"}
    assert case.complete("Task_record_declined", "westland-ea")


def test_a_manager_reopens_the_initial_assessment_before_the_municipality_acts(
    db, library, frozen_clock
):
    case = assessed(db, library, NO_PLAN)
    assert case.open() == {"Task_guidance": "barsby"}
    with db.tx() as s:
        step = s.scalars(
            select(Task).where(
                Task.instance_id == case.id, Task.bpmn_id == "Task_initial_assessment"
            )
        ).one()
        reopen(
            s,
            task=step,
            instance=cases.get(s, case.id),
            reason="The client had not understood the plan's purpose",
            actor=factories.actor(s, "maija"),
            settings=library,
        )
    assert case.open() == {"Task_initial_assessment": "westland-ea"}
    case.complete("Task_initial_assessment", "westland-ea", ASSESSMENT)
    assert case.open() == {"Task_integration_plan": "westland-ea"}


def test_reopening_the_assessment_drops_the_called_integration_plan_and_its_deadline(
    db, library, frozen_clock
):
    case = assessed(db, library, ASSESSMENT)
    assert case.open() == {"Task_integration_plan": "westland-ea"}
    assert waiting_timers(db, case) != []  # the late plan's escalation
    with db.tx() as s:
        step = s.scalars(
            select(Task).where(
                Task.instance_id == case.id, Task.bpmn_id == "Task_initial_assessment"
            )
        ).one()
        reopen(
            s,
            task=step,
            instance=cases.get(s, case.id),
            reason="Languages were recorded wrong",
            actor=factories.actor(s, "maija"),
            settings=library,
        )
    assert case.open() == {"Task_initial_assessment": "westland-ea"}
    assert waiting_timers(db, case) == []
    case.complete("Task_initial_assessment", "westland-ea", NO_PLAN)
    assert case.open() == {"Task_guidance": "barsby"}
    assert case.fire() == set()


def waiting_timers(db, case):
    with db.tx() as s:
        return s.scalars(
            select(Timer.bpmn_id).where(
                Timer.instance_id == case.id, Timer.state == TimerState.WAITING
            )
        ).all()
