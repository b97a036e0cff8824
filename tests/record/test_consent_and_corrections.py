"""A step that waits for consent, correcting a completed step, and the form keyword's checks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from pathways.audit.models import AuditEvent
from pathways.cases import service as cases
from pathways.errors import Conflict, InvalidData, InvalidModel, NotPermitted
from pathways.forms.service import schema_problem
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.record import consents
from pathways.record import service as record
from pathways.record.corrections import correct
from pathways.tasks import service as tasks
from tests import factories
from tests.record.cases import ASSESSMENT, COUNTY, start, task_id

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def case(db, settings):
    with db.tx() as s:
        factories.team(s)
    return start(db, settings)


def complete(db, settings, tid, login, data):
    with db.tx() as s:
        tasks.complete(
            s, task_id=tid, data=data, actor=factories.actor(s, login), settings=settings
        )


def give_consent(db, case_id, login="anna", kinds=("third_sector",)):
    with db.tx() as s:
        return consents.give(
            s,
            instance=cases.get(s, case_id),
            kinds=list(kinds),
            steps=[],
            given_on=date(2026, 11, 23),
            method="written",
            actor=factories.actor(s, login),
        )


def fix(db, case_id, tid, login, changes, reason="typing error"):
    with db.tx() as s:
        task = tasks.get(s, tid)
        return correct(
            s,
            task=task,
            instance=cases.get(s, case_id),
            changes=changes,
            reason=reason,
            actor=factories.actor(s, login),
        ).data


def test_a_step_that_requires_consent_cannot_be_claimed_or_completed_without_it(db, settings, case):
    complete(
        db,
        settings,
        task_id(db, case, "assessment"),
        "ville",
        {**ASSESSMENT, "needs_county": False},
    )
    activity = task_id(db, case, "activity")
    with db.tx() as s, pytest.raises(Conflict, match="waits for the client's consent"):
        tasks.claim(s, task_id=activity, actor=factories.actor(s, "tuomas"))
    with pytest.raises(Conflict, match="third_sector"):
        complete(db, settings, activity, "tuomas", {"attended": True})
    give_consent(db, case)
    complete(db, settings, activity, "tuomas", {"attended": True})


def test_only_the_statutory_team_records_consent_and_only_for_kinds_outside_it(db, case):
    with pytest.raises(NotPermitted):
        give_consent(db, case, login="tuomas")
    with pytest.raises(InvalidData, match="consent is asked for these kinds only"):
        give_consent(db, case, kinds=("municipality",))
    consent = give_consent(db, case, login="helmi", kinds=("third_sector", "kela"))
    assert (consent.kinds, consent.method, consent.recorded_by) == (
        ["kela", "third_sector"],
        "written",
        "helmi",
    )


def test_consent_is_not_given_in_the_future_and_is_withdrawn_once(db, case):
    with db.tx() as s, pytest.raises(InvalidData, match="still to come"):
        consents.give(
            s,
            instance=cases.get(s, case),
            kinds=["third_sector"],
            steps=[],
            given_on=date(2026, 11, 24),
            method="in_person",
            actor=factories.actor(s, "anna"),
        )
    consent_id = give_consent(db, case).id

    def withdraw():
        with db.tx() as s:
            return consents.withdraw(
                s,
                instance=cases.get(s, case),
                consent_id=consent_id,
                withdrawn_on=date(2026, 11, 23),
                actor=factories.actor(s, "anna"),
            ).withdrawn_by

    assert withdraw() == "anna"
    with pytest.raises(Conflict, match="already withdrawn"):
        withdraw()


def test_the_recording_organisation_corrects_a_step_and_the_earlier_values_are_kept(
    db, settings, case
):
    assessment = task_id(db, case, "assessment")
    complete(db, settings, assessment, "ville", ASSESSMENT)
    data = fix(db, case, assessment, "ville", {"goals": "Work as a chef", "county_request": None})
    assert data["goals"] == "Work as a chef" and "county_request" not in data
    with db.tx() as s:
        entry = record.entry_of_task(s, assessment)
        assert entry is not None
        [history] = entry.corrections
        assert (history.previous, history.reason, history.corrected_by) == (
            {"goals": "Work as a cook", "county_request": "Support with housing"},
            "typing error",
            "ville",
        )
        audited = s.scalars(select(AuditEvent).where(AuditEvent.action == "record.corrected"))
        assert [e.details["fields"] for e in audited] == [["county_request", "goals"]]
        found = record.readable(s, actor=Actor.operator(), instance=cases.get(s, case), purpose="t")
        assert [a.corrected for a in found[0].answers if a.field == "goals"] == [True]


def test_a_correction_must_still_fit_the_form(db, settings, case):
    assessment = task_id(db, case, "assessment")
    complete(db, settings, assessment, "ville", ASSESSMENT)
    with pytest.raises(InvalidData, match="summary"):
        fix(db, case, assessment, "ville", {"goals": "x", "summary": None})
    with pytest.raises(InvalidData, match="goals"):
        fix(db, case, assessment, "ville", {"goals": 42})


def test_a_field_a_gateway_read_cannot_be_corrected(db, settings, case):
    assessment = task_id(db, case, "assessment")
    complete(db, settings, assessment, "ville", ASSESSMENT)
    with pytest.raises(Conflict, match="needs_county steered the case"):
        fix(db, case, assessment, "ville", {"needs_county": False})


def test_no_correction_once_a_later_step_was_completed(db, settings, case):
    assessment = task_id(db, case, "assessment")
    complete(db, settings, assessment, "ville", ASSESSMENT)
    complete(db, settings, task_id(db, case, "county"), "helmi", COUNTY)
    with pytest.raises(Conflict, match="moved on"):
        fix(db, case, assessment, "ville", {"goals": "Work as a chef"})


def test_only_the_recording_organisation_corrects_and_a_reason_is_required(db, settings, case):
    assessment = task_id(db, case, "assessment")
    complete(db, settings, assessment, "ville", ASSESSMENT)
    with pytest.raises(NotPermitted):
        fix(db, case, assessment, "helmi", {"goals": "Work as a chef"})
    with pytest.raises(InvalidData, match="reason"):
        fix(db, case, assessment, "ville", {"goals": "Work as a chef"}, reason="  ")


@pytest.mark.parametrize(
    ("share", "problem"),
    [
        (["team", "third_sector"], None),
        (["neighbours"], "unknown kind 'neighbours'"),
        ("team", "a list of organisation kinds"),
    ],
)
def test_x_share_names_known_kinds(share, problem):
    form = {"type": "object", "properties": {"goals": {"type": "string", "x-share": share}}}
    found = schema_problem("f.schema.json", form)
    assert (found is None) if problem is None else (problem in str(found))


def test_x_share_belongs_on_the_forms_own_fields():
    nested = {
        "type": "object",
        "properties": {
            "rows": {
                "type": "array",
                "items": {"type": "object", "properties": {"a": {"x-share": ["team"]}}},
            }
        },
    }
    assert "not inside one" in str(schema_problem("f.schema.json", nested))


def test_a_model_that_waits_for_consent_of_a_team_kind_is_refused_at_deploy(db, settings):
    xml = (factories.BPMN / "record.bpmn").read_bytes()
    wrong = xml.replace(b'value="third_sector"', b'value="municipality"')
    with db.tx() as s, pytest.raises(InvalidModel, match="requiresConsent 'municipality'"):
        processes.deploy(s, data=wrong, actor=Actor.operator(), settings=settings)
