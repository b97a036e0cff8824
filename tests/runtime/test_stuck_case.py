"""A case that can no longer move (not finished, nothing open, no timer, no message
awaited) becomes an incident in the same transaction as the advance that stranded it,
naming the element it waits at; plain SpiffWorkflow strands it at the same place."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pathways.cases.models import ProcessInstance
from pathways.incidents.models import Incident
from pathways.incidents.opening import STUCK
from tests.runtime.correlated_model import CORRELATED
from tests.runtime.race_model import RACE
from tests.runtime.stranded_model import STRANDED
from tests.runtime.twin import Complete, PathwaysRun, twins


@pytest.fixture
def run(db, settings, frozen_clock):
    return PathwaysRun(db, settings, frozen_clock)


def incidents(run):
    with run.db.tx() as s:
        rows = s.scalars(select(Incident).where(Incident.instance_id == run.case_id)).all()
        return [(i.element, i.reason, i.state) for i in rows]


def test_a_case_stranded_at_a_join_becomes_an_incident(run):
    ours, theirs = twins(run, STRANDED, [Complete("work")], data={"go": False})
    assert ours == theirs and not ours.completed
    assert incidents(run) == [("join", STUCK, "open")]
    with run.db.tx() as s:
        instance = s.get(ProcessInstance, run.case_id)
        assert instance is not None and instance.last_error == f"join: {STUCK}"


def test_a_case_that_still_waits_for_a_task_is_no_incident(run):
    run.start(STRANDED, {"go": False})
    assert incidents(run) == []


def test_a_case_that_reaches_its_end_is_no_incident(run):
    ours, theirs = twins(run, STRANDED, [Complete("work")], data={"go": True})
    assert ours == theirs and ours.completed
    assert incidents(run) == []


def test_a_case_that_only_awaits_a_message_is_no_incident(run):
    run.start(CORRELATED)
    assert run.open_tasks("inform") == []
    assert incidents(run) == []


def test_a_case_that_only_awaits_a_timer_behind_a_gateway_is_no_incident(run):
    run.start(RACE).run([Complete("ask")])
    assert incidents(run) == []
