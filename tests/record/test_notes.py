"""Notes on a case and on a step: who may read which note, before consent, under it and
after its withdrawal (the same rule as for recorded fields)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from pathways.cases import service as cases
from pathways.errors import InvalidData, NotFound, NotPermitted
from pathways.record import consents, notes
from pathways.tasks.models import Task
from tests import factories
from tests.record.cases import ASSESSMENT, COUNTY, start, task_id
from tests.record.test_visibility import complete

pytestmark = pytest.mark.usefixtures("frozen_clock")
REFUSED = "refused"
# label → (writer, step or None, share)
NOTES = {
    "private": ("ville", None, []),
    "to county": ("ville", None, ["wellbeing_county"]),
    "county step, to team and forum": ("helmi", "county", ["team", "third_sector"]),
    "to forum": ("ville", None, ["third_sector"]),
}
EA = {"private", "to county", "county step, to team and forum", "to forum"}
COUNTY_SEES = {"to county", "county step, to team and forum"}
FORUM_UNDER_CONSENT = {"county step, to team and forum", "to forum"}
MATRIX = {
    "ville": (EA, EA, EA),
    "maija": (EA, EA, EA),
    "helmi": (COUNTY_SEES, COUNTY_SEES, COUNTY_SEES),
    "anna": ({"county step, to team and forum"},) * 3,
    "tuomas": (set(), FORUM_UNDER_CONSENT, set()),
    "erik": (REFUSED, REFUSED, REFUSED),
    "admin": (set(), set(), set()),
}


@pytest.fixture
def case(db, settings):
    with db.tx() as s:
        factories.team(s)
    case_id = start(db, settings)
    complete(db, settings, task_id(db, case_id, "assessment"), "ville", ASSESSMENT)
    county = task_id(db, case_id, "county")
    complete(db, settings, county, "helmi", COUNTY)
    for label, (login, step, share) in NOTES.items():
        write(db, case_id, login, label, share, county if step else None)
    return case_id


def write(db, case_id, login, text, share, task=None):
    with db.tx() as s:
        return notes.write(
            s,
            instance=cases.get(s, case_id),
            text=text,
            share=share,
            task_id=task,
            actor=factories.actor(s, login),
        ).id


def readable(db, case_id, login):
    with db.tx() as s:
        try:
            found = notes.readable(
                s, instance=cases.get(s, case_id), actor=factories.actor(s, login), purpose="t"
            )
        except NotPermitted:
            return REFUSED
        return {n.text for n in found}


def consent(db, case_id, steps=()):
    with db.tx() as s:
        return consents.give(
            s,
            instance=cases.get(s, case_id),
            kinds=["third_sector"],
            steps=list(steps),
            given_on=date(2026, 11, 23),
            method="written",
            actor=factories.actor(s, "helmi"),
        ).id


@pytest.mark.parametrize("login", sorted(MATRIX))
def test_who_reads_which_note_before_consent_under_it_and_after_withdrawal(db, case, login):
    before, under, after = MATRIX[login]
    assert readable(db, case, login) == before
    consent_id = consent(db, case)
    assert readable(db, case, login) == under
    with db.tx() as s:
        consents.withdraw(
            s,
            instance=cases.get(s, case),
            consent_id=consent_id,
            withdrawn_on=date(2026, 11, 23),
            actor=factories.actor(s, "helmi"),
        )
    assert readable(db, case, login) == after


def test_a_consent_for_one_step_covers_that_steps_notes_not_the_case_notes(db, case):
    consent(db, case, steps=["county"])
    assert readable(db, case, "tuomas") == {"county step, to team and forum"}


def test_a_note_names_known_kinds_and_only_steps_the_writer_sees(db, settings, case):
    with pytest.raises(InvalidData):
        write(db, case, "ville", "x", ["neighbours"])
    with pytest.raises(InvalidData):
        write(db, case, "ville", "   ", [])
    assessment = step_id(db, case, "assessment")
    with pytest.raises(NotFound):  # outside the team, without consent: not its step
        write(db, case, "tuomas", "x", [], assessment)
    with pytest.raises(NotPermitted):
        write(db, case, "admin", "x", [])


def step_id(db, case_id, step):
    with db.tx() as s:
        return s.scalar(select(Task.id).where(Task.instance_id == case_id, Task.bpmn_id == step))
