"""The shipped pathway library, deployed with its real forms, and a way to drive one case."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.cases import service as cases
from pathways.deadlines.firing import fire_due
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.settings import Settings
from pathways.tasks import service as tasks
from pathways.tasks.models import Task, TaskState
from tests import factories
from tests.conftest import ROOT, Database

BPMN = ROOT / "bpmn"
# Shared models first: deploying a caller needs what it calls.
SHARED = ("integration-plan", "integration-services")
PATHWAYS = (
    "jobseeker",
    "outside-labour-force",
    "youth",
    "vulnerable",
    "refugee-placement",
    "unaccompanied-minor",
    "older-immigrant",
)
# Who works where in the demo team that serves Barsby.
WORKER = {
    "barsby": "anna",
    "westland-ea": "ville",
    "westland-wbc": "helmi",
    "barsby-college": "erik",
    "westland-ely": "elina",
    "barsby-forum": "tuomas",
}


# What each pathway calls, deployed before it (a test deploys only what its pathway needs).
CALLS = {
    "jobseeker": ("integration-plan",),
    "outside-labour-force": (*SHARED, "jobseeker"),
    "youth": ("integration-plan", "jobseeker"),
    "vulnerable": SHARED,
    "refugee-placement": (*SHARED, "jobseeker"),
    "unaccompanied-minor": SHARED,
    "older-immigrant": SHARED,
}


@pytest.fixture
def library(request: pytest.FixtureRequest, db: Database, settings: Settings) -> Settings:
    """The real forms, and the module's PATHWAY with what it calls (or the whole library)."""
    shipped = settings.model_copy(update={"forms_dir": ROOT / "forms"})
    pathway = getattr(request.module, "PATHWAY", None)
    names = (*CALLS[pathway], pathway) if pathway else (*SHARED, *PATHWAYS)
    with db.tx() as s:
        factories.team(s)
        for name in names:
            data = (BPMN / f"{name}.bpmn").read_bytes()
            processes.deploy(s, data=data, actor=Actor.operator(), settings=shipped)
    return shipped


@pytest.fixture
def ostby(db: Database, library: Settings) -> Settings:
    """Ostby's own organisations of every kind, so that any pathway can start there."""
    with db.tx() as s:
        for code, kind in (
            ("ostby-college", "education_provider"),
            ("ostby-forum", "third_sector"),
            ("eastland-edc", "economic_development_centre"),
        ):
            people.create_organisation(s, code=code, kind=kind, name=code, covers=["ostby"])
    return library


class Case:
    """One client's case, driven step by step as the organisations would."""

    def __init__(self, db: Database, settings: Settings, model: str, data: dict[str, Any]):
        self.db, self.settings = db, settings
        with db.tx() as s:
            self.id = factories.start(s, settings, model, data=data).id

    def open(self) -> dict[str, str]:
        """Open steps: BPMN id → the organisation that holds it."""
        with self.db.tx() as s:
            rows = s.scalars(
                select(Task).where(Task.instance_id == self.id, Task.state == TaskState.OPEN)
            ).all()
            return {t.bpmn_id: t.organisation.code for t in rows}

    def due(self, bpmn_id: str) -> str:
        """The local date an open step is due."""
        with self.db.tx() as s:
            due_at = factories.open_task(s, self.id, bpmn_id).due_at
        assert due_at is not None, bpmn_id
        return clock.local(due_at).date().isoformat()

    def complete(self, bpmn_id: str, holder: str, data: dict[str, Any] | None = None) -> bool:
        """Complete a step as a caseworker of `holder`, which must hold it; True if the case ended."""
        with self.db.tx() as s:
            task = factories.open_task(s, self.id, bpmn_id)
            assert task.organisation.code == holder, (bpmn_id, task.organisation.code)
            done = tasks.complete(
                s,
                task_id=task.id,
                data=data or {},
                actor=factories.actor(s, WORKER[holder]),
                settings=self.settings,
            )
        return done.case_finished

    def fire(self) -> set[str]:
        """Fire whatever deadlines are due by the clock now; the steps they opened."""
        with self.db.tx() as s:
            firing = fire_due(s, instance_id=self.id, settings=self.settings)
            return {t.bpmn_id for t in firing.opened}

    def message(self, name: str, payload: dict[str, Any] | None = None) -> set[str]:
        with self.db.tx() as s:
            opened = cases.deliver_message(
                s,
                instance_id=self.id,
                name=name,
                payload=payload or {},
                actor=Actor.operator(),
                settings=self.settings,
            )
            return {t.bpmn_id for t in opened}

    def state(self) -> str:
        with self.db.tx() as s:
            return str(cases.get(s, self.id).state)

    def data_text(self) -> str:
        """The stored workflow state, to show that case data survived a move."""
        with self.db.tx() as s:
            return cases.get(s, self.id).workflow_state


def at(day: str, hour: int = 9) -> datetime:
    """A Helsinki wall-clock moment as UTC."""
    local = datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=clock.HELSINKI)
    return local.astimezone(UTC)


# Form data each step can be completed with.
ASSESSMENT = {
    "languages": [{"language": "ar", "level": "mother_tongue"}],
    "literacy": "literate_other_script",
    "integration_language": "fi",
    "goals": "Work as a nurse.",
    "life_situation": "Two children at home.",
    "plan_needed": True,
    "social_or_health_needs": False,
}
NEEDS_COUNTY = {**ASSESSMENT, "social_or_health_needs": True, "county_request_reason": "Family"}
NO_PLAN = {**ASSESSMENT, "plan_needed": False}
PLAN = {
    "plan_agreed_on": "2026-11-20",
    "plan_valid_until": "2027-11-19",
    "plan_goals": "Finnish A2.",
    "agreed_services": ["integration_training", "civic_orientation"],
    "study_route": "integration_training",
    "job_search_obligation_explained": False,
    "rights_and_duties_given_in_writing": True,
}
COUNTY_JOINS = {"county_joined_on": "2026-11-21", "county_services": ["family_services"]}
ESCALATION = {"escalation_reason": "caseworker_capacity", "escalation_action": "task_reassigned"}
GUIDANCE = {"guidance_given_on": "2026-11-21", "guidance_topics": ["housing"]}
CIVIC = {
    "civic_orientation_language": "Arabic",
    "civic_orientation_hours": 70,
    "civic_orientation_completion": "completed",
}
TRAINING = {
    "training_started_on": "2026-10-05",
    "training_completion": "completed",
    "final_test": {"listening": "A2", "reading": "A2", "speaking": "A2", "writing": "A2"},
}
REVIEW = {"review_held_on": "2026-11-22", "review_progress": "On track.", "county_took_part": False}
CONTINUE = {**REVIEW, "review_outcome": "continue"}
ENDED = {**REVIEW, "review_outcome": "plan_ended", "plan_end_reason": "goals_reached"}
ELIGIBLE = {
    "first_permit_on": "2025-06-01",
    "within_three_years": True,
    "trafficking_victim": False,
}
NOT_ELIGIBLE = {**ELIGIBLE, "first_permit_on": "2020-01-01", "within_three_years": False}
