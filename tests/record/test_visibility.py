"""Who may read which field of the record: before consent, under it, after withdrawal.

The case: the employment area (ville) recorded an assessment, the wellbeing services
county (helmi) joined the plan; the third-sector forum's activity (tuomas) is open.
Each field's form says whom it is shared with (tests/forms/*.schema.json):
  summary, needs_county  → employment area only (no x-share)
  county_request         → + wellbeing_county
  goals                  → + team (municipality, county, employment area) and third_sector
  services               → + employment_area
  notes                  → wellbeing county only
"""

from __future__ import annotations

from datetime import date

import pytest

from pathways.cases import service as cases
from pathways.errors import NotPermitted
from pathways.people.actors import Actor
from pathways.record import consents
from pathways.record import service as record
from pathways.tasks import service as tasks
from tests import factories
from tests.record.cases import ASSESSMENT, COUNTY, start, task_id

pytestmark = pytest.mark.usefixtures("frozen_clock")
REFUSED = "refused"

EA = {"summary", "county_request", "goals", "needs_county", "services"}
COUNTY_SEES = {"county_request", "goals", "services", "notes"}
# login → (before consent, under a consent for third_sector, after its withdrawal)
MATRIX = {
    "ville": (EA, EA, EA),  # employment area caseworker
    "maija": (EA, EA, EA),  # employment area manager
    "helmi": (COUNTY_SEES, COUNTY_SEES, COUNTY_SEES),  # wellbeing services county
    "anna": ({"goals"}, {"goals"}, {"goals"}),  # the municipality, in the team
    "tuomas": (set(), {"goals"}, set()),  # third sector: only under consent
    "erik": (REFUSED, REFUSED, REFUSED),  # an education provider outside this case
    "admin": (set(), set(), set()),  # administrators do not read client records
}


@pytest.fixture
def case(db, settings):
    with db.tx() as s:
        factories.team(s)
    case_id = start(db, settings)
    complete(db, settings, task_id(db, case_id, "assessment"), "ville", ASSESSMENT)
    complete(db, settings, task_id(db, case_id, "county"), "helmi", COUNTY)
    return case_id


def complete(db, settings, tid, login, data):
    with db.tx() as s:
        tasks.complete(
            s, task_id=tid, data=data, actor=factories.actor(s, login), settings=settings
        )


def readable_fields(db, case_id, login):
    with db.tx() as s:
        actor = factories.actor(s, login)
        try:
            found = record.readable(
                s, actor=actor, instance=cases.get(s, case_id), purpose="matrix"
            )
        except NotPermitted:
            return REFUSED
        return {a.field for e in found for a in e.answers}


def give_consent(db, case_id, *, steps=()):
    with db.tx() as s:
        return consents.give(
            s,
            instance=cases.get(s, case_id),
            kinds=["third_sector"],
            steps=list(steps),
            given_on=date(2026, 11, 20),
            method="in_person",
            actor=factories.actor(s, "ville"),
        ).id


def withdraw(db, case_id, consent_id):
    with db.tx() as s:
        consents.withdraw(
            s,
            instance=cases.get(s, case_id),
            consent_id=consent_id,
            withdrawn_on=date(2026, 11, 23),
            actor=factories.actor(s, "anna"),
        )


@pytest.mark.parametrize("login", sorted(MATRIX))
def test_the_permission_matrix_before_consent_under_it_and_after_withdrawal(db, case, login):
    before, under, after = MATRIX[login]
    assert readable_fields(db, case, login) == before
    consent_id = give_consent(db, case)
    assert readable_fields(db, case, login) == under
    withdraw(db, case, consent_id)
    assert readable_fields(db, case, login) == after


def test_a_consent_limited_to_other_steps_shares_nothing_of_the_assessment(db, case):
    give_consent(db, case, steps=["county"])
    assert readable_fields(db, case, "tuomas") == set()
    give_consent(db, case, steps=["assessment"])
    assert readable_fields(db, case, "tuomas") == {"goals"}


def test_outside_the_team_without_consent_a_case_shows_only_the_organisations_own_step(db, case):
    with db.tx() as s:
        view = cases.show(
            s, instance_id=case, actor=factories.actor(s, "tuomas"), purpose="case_view"
        )
        assert [t.bpmn_id for t in view.tasks] == ["activity"]
        history = cases.timeline(s, view)
        assert {e.task_id for e in history} <= {view.tasks[0].id}
        assert not any(e.action == "task.completed" for e in history)
    consent_id = give_consent(db, case)
    with db.tx() as s:
        view = cases.show(s, instance_id=case, actor=factories.actor(s, "tuomas"), purpose="x")
        assert [t.bpmn_id for t in view.tasks] == ["assessment", "county", "activity"]
    withdraw(db, case, consent_id)
    with db.tx() as s:
        view = cases.show(s, instance_id=case, actor=factories.actor(s, "tuomas"), purpose="x")
        assert [t.bpmn_id for t in view.tasks] == ["activity"]


def test_the_statutory_team_sees_every_step_and_the_whole_history(db, case):
    with db.tx() as s:
        view = cases.show(s, instance_id=case, actor=factories.actor(s, "anna"), purpose="x")
        assert [t.bpmn_id for t in view.tasks] == ["assessment", "county", "activity"]
        assert any(e.action == "case.started" for e in cases.timeline(s, view))


def test_every_read_of_the_record_is_audited_with_its_purpose(db, case):
    from sqlalchemy import select

    from pathways.audit.models import AuditEvent

    readable_fields(db, case, "helmi")
    with db.tx() as s:
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "record.read").order_by(AuditEvent.id)
        ).all()[-1]
        assert (event.actor, event.instance_id, event.details["purpose"]) == (
            "helmi",
            case,
            "matrix",
        )
        assert len(event.details["entries"]) == 2


def test_the_operator_reads_everything(db, case):
    with db.tx() as s:
        found = record.readable(
            s, actor=Actor.operator(), instance=cases.get(s, case), purpose="export"
        )
        assert {a.field for e in found for a in e.answers} == EA | {"notes"}
