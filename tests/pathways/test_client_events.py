"""Client events anywhere on the path: a move ends the case and opens it in the new
municipality with the shared parts of the record; a message that means nothing at that
point, or to that pathway, is refused and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pathways.audit.models import AuditEvent
from pathways.cases import moves
from pathways.cases import service as cases
from pathways.cases.models import ProcessInstance
from pathways.errors import Conflict, InvalidData, TaskNotReady
from tests.pathways.conftest import (
    ASSESSMENT,
    COUNTY_JOINS,
    ELIGIBLE,
    GUIDANCE,
    NO_PLAN,
    PLAN,
    Case,
)
from tests.pathways.test_jobseeker import INTERVIEW
from tests.pathways.test_youth import GUIDED

MOVE = {"municipality": "ostby", "moved_on": "2026-12-01"}
# What the new municipality's team serves: Ostby's own organisations.
OSTBY_TEAM = {"ostby", "eastland-ea", "eastland-wbc", "ostby-college", "ostby-forum"}


def moved(case: Case, move: dict | None = None) -> ProcessInstance:
    """Deliver the move and return the case it opened, checking the old one ended."""
    assert case.message("moved_away", move or MOVE) == set()
    assert case.open() == {}
    assert case.state() == "completed"
    with case.db.tx() as s:
        new_id = moves.moved_to(s, case.id)
        assert new_id is not None
        new = cases.get(s, new_id)
        assert (new.moved_from_id, new.client.municipality) == (case.id, "ostby")
        assert new.client.reference == cases.get(s, case.id).client.reference
        holders = {t.organisation.code for t in cases.open_tasks(s, new_id)}
        assert holders and holders <= OSTBY_TEAM, holders
        s.expunge(new)
        return new


def refused(case: Case, name: str, payload: dict | None = None, error=Conflict) -> None:
    before = (case.open(), case.data_text())
    with pytest.raises(error):
        case.message(name, payload)
    assert (case.open(), case.data_text()) == before


def test_a_jobseeker_moves_at_the_interview_and_starts_again_in_ostby(db, ostby, frozen_clock):
    case = Case(db, ostby, "jobseeker", {"registered_on": "2026-11-20"})
    new = moved(case)
    with db.tx() as s:
        assert {t.bpmn_id: t.organisation.code for t in cases.open_tasks(s, new.id)} == {
            "Task_initial_interview": "eastland-ea"
        }


def test_a_jobseeker_moving_while_the_plan_is_drawn_up_carries_the_shared_assessment(
    db, ostby, frozen_clock
):
    case = Case(db, ostby, "jobseeker", {"registered_on": "2026-11-20"})
    case.complete("Task_initial_interview", "westland-ea", INTERVIEW)
    case.complete(
        "Task_initial_assessment",
        "westland-ea",
        {**ASSESSMENT, "social_or_health_needs": True, "county_request_reason": "Family"},
    )
    assert set(case.open()) == {"Task_integration_plan", "Task_county_joins"}
    new = moved(case)
    carried = Case.__new__(Case)
    carried.db, carried.id = db, new.id
    text = carried.data_text()
    assert "Work as a nurse." in text  # goals: shared with the team
    assert "Two children at home." not in text  # life_situation: the recorder's own
    assert "Family" not in text  # county_request_reason: the county's only
    with db.tx() as s:
        started = s.scalars(
            select(AuditEvent).where(
                AuditEvent.instance_id == new.id, AuditEvent.action == "case.started"
            )
        ).one()
        moved_event = s.scalars(
            select(AuditEvent).where(
                AuditEvent.instance_id == case.id, AuditEvent.action == "case.moved_away"
            )
        ).one()
    assert "goals" in started.details["carried_over"]
    assert "life_situation" not in started.details["carried_over"]
    assert moved_event.details["to_case"] == new.id


def test_a_jobseeker_message_that_means_nothing_yet_is_refused(db, ostby, frozen_clock):
    case = Case(db, ostby, "jobseeker", {"registered_on": "2026-11-20"})
    refused(case, "plan_declined")  # no plan is being drawn up at the interview
    refused(case, "registered_as_jobseeker")  # already a jobseeker


def test_a_young_person_moves_during_guidance_or_the_plan(db, ostby, frozen_clock):
    at_guidance = Case(db, ostby, "youth", {})
    moved(at_guidance)
    planning = Case(db, ostby, "youth", {})
    planning.complete("Task_career_guidance", "barsby", GUIDED)
    planning.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    assert "Task_integration_plan" in planning.open()
    with db.tx() as s:  # the first young person's case already runs there for C-1
        first = cases.get(s, moves.moved_to(s, at_guidance.id))
        first.state = "cancelled"
    # Ostby now has a client C-1: the move takes that row only when it names it.
    refused(planning, "moved_away", MOVE)
    again = moved(planning, {**MOVE, "reference": "C-1"})
    assert again.client_id == first.client_id


def test_a_young_person_who_registers_as_a_jobseeker_moves_to_the_employment_area(
    db, library, frozen_clock
):
    registration = {"registered_on": "2026-11-23"}
    guided = Case(db, library, "youth", {})
    refused(guided, "registered_as_jobseeker", registration)  # career guidance asks it
    guided.complete("Task_career_guidance", "barsby", GUIDED)
    assert guided.open() == {"Task_initial_assessment": "barsby"}
    guided.message("registered_as_jobseeker", registration)
    assert guided.open() == {"Task_initial_interview": "westland-ea"}


def test_a_young_person_registering_during_the_plan_reviews_keeps_the_assessment(
    db, library, frozen_clock
):
    registration = {"registered_on": "2026-11-23"}
    reviewed = Case(db, library, "youth", {})
    reviewed.complete("Task_career_guidance", "barsby", GUIDED)
    reviewed.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    reviewed.complete("Task_integration_plan", "barsby", PLAN)
    assert reviewed.open() == {"Task_youth_review": "barsby"}
    reviewed.message("registered_as_jobseeker", registration)
    reviewed.complete("Task_initial_interview", "westland-ea", INTERVIEW)
    # The municipality's assessment is carried over: the employment area draws up the plan.
    assert reviewed.open() == {"Task_integration_plan": "westland-ea"}


def test_a_vulnerable_client_moves_at_eligibility_or_while_the_services_run(
    db, ostby, frozen_clock
):
    at_eligibility = Case(db, ostby, "vulnerable", {})
    moved(at_eligibility)
    with db.tx() as s:
        cases.get(s, moves.moved_to(s, at_eligibility.id)).state = "cancelled"
    serving = Case(db, ostby, "vulnerable", {})
    serving.complete("Task_eligibility", "barsby", ELIGIBLE)
    serving.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    serving.complete("Task_county_joins", "westland-wbc", COUNTY_JOINS)
    serving.complete("Task_integration_plan", "barsby", PLAN)
    assert {"Task_language_training", "Task_civic_orientation"} <= set(serving.open())
    moved(
        serving, {**MOVE, "reference": "C-1"}
    )  # the services' hand-over step never opens: the case is continued there


def test_a_move_to_an_unknown_or_the_same_municipality_is_bad_input(db, ostby, frozen_clock):
    case = Case(db, ostby, "vulnerable", {})
    for payload in (
        {},
        {"municipality": "nowhere"},
        {"municipality": "barsby"},
        {"municipality": "eastland-ea"},
        {"municipality": "ostby", "moved_on": "1.12.2026"},
        {"municipality": "ostby", "address": "Main Street 1"},
    ):
        refused(case, "moved_away", payload, InvalidData)


def test_an_ended_case_refuses_every_message(db, ostby, frozen_clock):
    case = Case(db, ostby, "vulnerable", {})
    case.complete("Task_eligibility", "barsby", ELIGIBLE)
    assert case.complete("Task_initial_assessment", "barsby", NO_PLAN) is False
    assert case.complete("Task_guidance", "barsby", GUIDANCE)
    for name, payload in (("moved_away", MOVE), ("plan_declined", {})):
        with pytest.raises(TaskNotReady):
            case.message(name, payload)


def test_a_plan_declined_while_its_services_run_is_recorded_and_ends_the_case(
    db, library, frozen_clock
):
    vulnerable = Case(db, library, "vulnerable", {})
    vulnerable.complete("Task_eligibility", "barsby", ELIGIBLE)
    vulnerable.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    vulnerable.complete("Task_county_joins", "westland-wbc", COUNTY_JOINS)
    vulnerable.complete("Task_integration_plan", "barsby", PLAN)
    assert vulnerable.message("plan_declined") == {"Task_record_declined_during_services"}
    assert vulnerable.open() == {"Task_record_declined_during_services": "barsby"}
    assert vulnerable.complete("Task_record_declined_during_services", "barsby")
    young = Case(db, library, "youth", {})
    young.complete("Task_career_guidance", "barsby", GUIDED)
    young.complete("Task_initial_assessment", "barsby", ASSESSMENT)
    young.complete("Task_integration_plan", "barsby", PLAN)
    assert young.open() == {"Task_youth_review": "barsby"}
    assert young.message("plan_declined") == {"Task_record_declined_during_services"}
    assert young.complete("Task_record_declined_during_services", "barsby")
    assert young.state() == "completed"
