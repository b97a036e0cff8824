"""Reopening a completed step: the case goes back to it, what followed is dropped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pathways import clock
from pathways.errors import Conflict
from tests.engine.test_runtime import model

ANSWERS = {"summary": "Talked about work", "needs_county": True}


@pytest.fixture
def monday():
    with clock.frozen(datetime(2026, 11, 23, 7, 0, tzinfo=UTC)) as frozen:
        yield frozen


def test_a_reopened_step_waits_again_and_the_case_continues_from_it(monday):
    started = model("reopen").start({})
    (assessment,) = started.open_tasks
    after = model("reopen").complete(
        started.state, started.serializer_version, assessment.spiff_id, ANSWERS
    )
    (county,) = after.open_tasks
    (late,) = after.timers

    # A fresh load of the saved state each time, as a request would do.
    reopened = model("reopen").reopen(after.state, after.serializer_version, assessment.spiff_id)
    assert [t.bpmn_id for t in reopened.open_tasks] == ["assessment"]
    assert [t.spiff_id for t in reopened.opened] == [assessment.spiff_id]
    assert reopened.cancelled == {county.spiff_id}
    assert reopened.timers == () and reopened.stopped_timers == {late.spiff_id}
    assert reopened.completed == frozenset() and not reopened.finished

    again = model("reopen").complete(
        reopened.state,
        reopened.serializer_version,
        assessment.spiff_id,
        {**ANSWERS, "summary": "Talked about work and housing"},
    )
    (county_again,) = again.open_tasks
    assert county_again.bpmn_id == "county" and county_again.spiff_id != county.spiff_id
    assert len(again.started_timers) == 1
    review = model("reopen").complete(
        again.state, again.serializer_version, county_again.spiff_id, {"services": "Social work"}
    )
    (step,) = review.open_tasks
    done = model("reopen").complete(review.state, review.serializer_version, step.spiff_id, {})
    assert done.finished


def test_only_a_completed_human_step_can_be_reopened(monday):
    started = model("reopen").start({})
    (assessment,) = started.open_tasks
    with pytest.raises(Conflict, match="not a completed step"):
        model("reopen").reopen(started.state, started.serializer_version, assessment.spiff_id)
    with pytest.raises(Conflict, match="not a completed step"):
        model("reopen").reopen(started.state, started.serializer_version, "not-a-uuid")
