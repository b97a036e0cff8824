"""Correlated messages: delivered when they carry the case's correlation value (given, or
read from the payload), refused with the reason when they lack it or name another case,
and the case loses nothing either way. Same path and data as plain SpiffWorkflow."""

from __future__ import annotations

import pytest

from pathways.cases import service as cases
from pathways.errors import Conflict, InvalidData
from pathways.people.actors import Actor
from tests.runtime.correlated_model import APPLICATION, CORRELATED
from tests.runtime.twin import Complete, Message, PathwaysRun, twins

DECISION = {"application_id": APPLICATION, "granted": True}


@pytest.fixture
def run(db, settings, frozen_clock):
    return PathwaysRun(db, settings, frozen_clock)


def deliver(run, payload, correlation=None):
    with run.db.tx() as s:
        return cases.deliver_message(
            s,
            instance_id=run.case_id,
            name="decision",
            payload=payload,
            correlation=correlation,
            actor=Actor.operator(),
            settings=run.settings,
        )


def test_a_message_with_the_cases_correlation_value_is_delivered(run):
    steps = [Message("decision", DECISION, {"application_id": APPLICATION}), Complete("inform")]
    ours, theirs = twins(run, CORRELATED, steps)
    assert ours == theirs
    assert ours.completed and ours.data["decision"] == DECISION


def test_the_correlation_value_is_read_from_the_payload_when_not_given(run):
    run.start(CORRELATED)
    (opened,) = deliver(run, DECISION)
    assert opened.bpmn_id == "inform"


def test_a_message_without_its_correlation_value_is_refused_by_name(run):
    run.start(CORRELATED)
    with pytest.raises(InvalidData, match="correlated: send the value of 'application_id'"):
        deliver(run, {"granted": True})
    (opened,) = deliver(run, DECISION)  # the case still waits for it
    assert opened.bpmn_id == "inform"


def test_a_message_for_another_application_is_not_delivered(run):
    run.start(CORRELATED)
    with pytest.raises(Conflict, match="with these correlation values"):
        deliver(run, {"granted": True}, {"application_id": "A-18"})
    assert run.open_tasks("inform") == []


def test_a_correlation_property_the_message_does_not_have_is_refused(run):
    run.start(CORRELATED)
    with pytest.raises(InvalidData, match="no correlation property 'order'"):
        deliver(run, DECISION, {"order": 1})
