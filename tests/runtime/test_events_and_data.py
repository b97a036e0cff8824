"""Error and escalation payloads caught by boundary events of a subprocess, conditional
events over a data object, and data objects read and written by tasks and scripts: the
same path and data through Pathways as through plain SpiffWorkflow."""

from __future__ import annotations

import pytest

from tests.runtime.event_models import BOUNDARY_CONDITION, CONDITIONAL, ERROR_PAYLOAD
from tests.runtime.twin import Complete, PathwaysRun, plain_run, twins


@pytest.fixture
def run(db, settings, frozen_clock):
    return PathwaysRun(db, settings, frozen_clock)


def test_an_error_end_event_hands_its_payload_to_the_boundary_events_variable(run):
    steps = [Complete("notify"), Complete("explain")]
    ours, theirs = twins(run, ERROR_PAYLOAD, steps, data={"eligible": False})
    assert ours == theirs and ours.completed
    assert ours.data["refusal"] == {"reason": "income above the limit"}
    assert ours.path[-2:] == ["explain", "refused"]


def test_an_escalation_opens_its_step_without_stopping_the_subprocess(run, frozen_clock):
    data = {"eligible": True}
    run.start(ERROR_PAYLOAD, data)
    assert {t.bpmn_id for t in run.open_tasks("notify") + run.open_tasks("welcome")} == {
        "notify",
        "welcome",
    }
    steps = [Complete("notify"), Complete("welcome")]
    ours = run.run(steps).outcome()
    theirs = plain_run(ERROR_PAYLOAD, "eligibility", steps, frozen_clock, data)
    assert ours == theirs and ours.completed
    assert ours.data["delay"] == {"days": 12} and "refusal" not in ours.data


def test_a_conditional_event_fires_when_a_task_writes_the_data_object_it_reads(run, frozen_clock):
    run.start(CONDITIONAL)
    assert run.open_tasks("follow_up") == []
    run.step(Complete("attend", {"attended": True}))
    assert len(run.open_tasks("follow_up")) == 1
    steps = [Complete("attend", {"attended": True}), Complete("follow_up")]
    ours = run.run(steps[1:]).outcome()
    theirs = plain_run(CONDITIONAL, "attendance", steps, frozen_clock)
    assert ours == theirs and ours.completed
    assert ours.data["summary"] == "attended"
    assert ours.data["data_objects"] == {"attended": True}


def test_a_conditional_boundary_event_interrupts_its_task_when_the_data_object_turns(run):
    steps = [Complete("attend", {"attended": True})]
    ours, theirs = twins(run, BOUNDARY_CONDITION, steps)
    assert ours == theirs and ours.completed
    assert "attended_now" in ours.path and "waited" not in ours.path
    with run.db.tx() as s:
        (waiting,) = run.tasks(s, "wait_here")
        assert waiting.state == "cancelled"


def test_while_the_data_object_stays_false_the_boundary_event_waits(run):
    run.start(BOUNDARY_CONDITION).run([Complete("attend", {"attended": False})])
    assert len(run.open_tasks("wait_here")) == 1
