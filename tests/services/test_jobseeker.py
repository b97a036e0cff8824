"""The shipped jobseeker pathway carries one client through three organisations to work."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from tests import factories
from tests.conftest import ROOT

STEPS = [
    (
        "Task_initial_interview",
        "ville",
        "westland-ea",
        {
            "interview_held_on": "2026-11-30",
            "interview_channel": "in_person",
            "interview_language": "English",
            "interpreter_used": False,
        },
    ),
    (
        "Task_initial_assessment",
        "ville",
        "westland-ea",
        {
            "languages": [{"language": "ar", "level": "mother_tongue"}],
            "literacy": "literate_other_script",
            "finnish_level": "A1",
            "swedish_level": "none",
            "education": [
                {"level": "bachelor", "field": "Accounting", "country": "Syria", "completed": True}
            ],
            "work_history": [{"occupation": "Bookkeeper", "country": "Syria", "years": 4}],
            "goals": "Work in financial administration.",
            "integration_language": "fi",
            "plan_needed": True,
            "social_or_health_needs": True,
            "county_request_reason": "Family support needed",
        },
    ),
    (
        "Task_county_joins",
        "helmi",
        "westland-wbc",
        {"county_joined_on": "2026-12-15", "county_services": ["family_services"]},
    ),
    (
        "Task_integration_plan",
        "ville",
        "westland-ea",
        {
            "plan_agreed_on": "2026-12-10",
            "plan_valid_until": "2027-12-09",
            "plan_goals": "Finnish B1, a job in bookkeeping.",
            "agreed_services": ["integration_training", "civic_orientation"],
            "study_route": "integration_training",
            "job_search_obligation_explained": True,
            "rights_and_duties_given_in_writing": True,
        },
    ),
    (
        "Task_referral",
        "ville",
        "westland-ea",
        {
            "referral_sent_on": "2026-12-11",
            "education_provider_name": "Barsby adult education centre",
            "course_language": "fi",
            "course_starts_on": "2027-01-11",
            "enrolled_on": "2026-12-20",
        },
    ),
    (
        "Task_integration_training",
        "erik",
        "barsby-college",
        {
            "training_started_on": "2027-01-11",
            "training_ended_on": "2027-12-17",
            "training_completion": "completed",
            "on_the_job_period_completed": True,
            "final_test": {"listening": "B1", "reading": "B1", "speaking": "A2", "writing": "A2"},
        },
    ),
    (
        "Task_civic_orientation",
        "anna",
        "barsby",
        {
            "civic_orientation_language": "Arabic",
            "civic_orientation_hours": 70,
            "civic_orientation_completion": "completed",
        },
    ),
    (
        "Task_job_search_discussion",
        "ville",
        "westland-ea",
        {
            "discussion_held_on": "2028-01-10",
            "discussion_channel": "phone",
            "job_search_summary": "Found work.",
            "plan_reviewed": True,
            "outcome": "employed",
            "employment_start_on": "2028-02-01",
        },
    ),
]


@pytest.fixture
def shipped(db, settings):
    settings = settings.model_copy(update={"forms_dir": ROOT / "forms"})
    with db.tx() as s:
        factories.team(s)
        path = ROOT / "bpmn" / "jobseeker.bpmn"
        processes.deploy(s, data=path.read_bytes(), actor=Actor.operator(), settings=settings)
    return settings


def test_a_jobseeker_case_runs_from_registration_to_work(db, shipped, frozen_clock):
    with db.tx() as s:
        case_id = factories.start(s, shipped, "jobseeker", data={"registered_on": "2026-11-20"}).id
    for bpmn_id, login, organisation, data in STEPS:
        with db.tx() as s:
            task = factories.open_task(s, case_id, bpmn_id)
            assert task.organisation.code == organisation, bpmn_id
            done = tasks.complete(
                s, task_id=task.id, data=data, actor=factories.actor(s, login), settings=shipped
            )
        frozen_clock.advance(clock.timedelta(hours=1))
    assert done.case_finished
    with db.tx() as s:
        states = s.scalars(select(Task.state).where(Task.instance_id == case_id)).all()
    assert set(states) == {"completed"} and len(states) == len(STEPS)


def test_the_initial_interview_is_due_in_ten_working_days_from_registration(
    db, shipped, frozen_clock
):
    with db.tx() as s:
        case_id = factories.start(s, shipped, "jobseeker", data={"registered_on": "2026-11-20"}).id
        interview = factories.open_task(s, case_id, "Task_initial_interview")
    # Friday 20.11. + 10 working days = Friday 4.12. (6.12. Independence Day is a Sunday).
    assert clock.local(interview.due_at).date().isoformat() == "2026-12-04"
