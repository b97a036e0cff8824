"""A case waiting at an event-based gateway on a message or a timer: the timer has a row,
the poller fires it, and whichever branch wins withdraws the other's wait, as in plain
SpiffWorkflow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pathways.deadlines.models import Timer
from pathways.errors import InvalidModel
from tests.runtime.race_model import RACE
from tests.runtime.twin import Complete, Message, PathwaysRun, Wait, plain_run, twins


@pytest.fixture
def run(db, settings, frozen_clock):
    return PathwaysRun(db, settings, frozen_clock)


def timer_rows(run):
    with run.db.tx() as s:
        rows = s.scalars(select(Timer).where(Timer.instance_id == run.case_id)).all()
        return [(t.bpmn_id, t.state, t.due_at) for t in rows]


def test_the_timer_behind_the_gateway_is_waiting_with_its_due_time(run, frozen_clock):
    run.start(RACE).run([Complete("ask")])
    assert timer_rows(run) == [("two_weeks", "waiting", frozen_clock.moment + timedelta(days=14))]


def test_the_poller_fires_the_timer_and_the_reminder_opens(run):
    steps = [Complete("ask"), Wait(timedelta(days=14, seconds=1))]
    ours, theirs = twins(run, RACE, steps)
    assert ours == theirs
    assert ours.path[-2:] == ["which_first", "two_weeks"]
    assert [t.state for t in run.open_tasks("remind")] == ["open"]
    assert [(b, s) for b, s, _ in timer_rows(run)] == [("two_weeks", "fired")]


def test_the_timer_does_not_fire_a_moment_early(run):
    run.start(RACE).run([Complete("ask"), Wait(timedelta(days=14))])
    assert run.open_tasks("remind") == []
    assert [(b, s) for b, s, _ in timer_rows(run)] == [("two_weeks", "waiting")]


def test_a_message_first_cancels_the_timer_and_the_case_ends(run):
    steps = [Complete("ask"), Message("reply", {"certificate": "B1"})]
    ours, theirs = twins(run, RACE, steps)
    assert ours == theirs
    assert ours.completed and ours.path[-3:] == ["which_first", "reply_came", "received"]
    assert [(b, s) for b, s, _ in timer_rows(run)] == [("two_weeks", "cancelled")]


def test_after_the_timer_won_the_message_is_refused(run):
    from pathways.cases import service as cases
    from pathways.errors import Conflict
    from pathways.people.actors import Actor

    run.start(RACE).run([Complete("ask"), Wait(timedelta(days=15))])
    with pytest.raises(Conflict, match="not waiting for a message"), run.db.tx() as s:
        cases.deliver_message(
            s,
            instance_id=run.case_id,
            name="reply",
            payload={},
            actor=Actor.operator(),
            settings=run.settings,
        )


def test_a_gateway_leading_to_two_timers_is_refused_at_deploy(run, frozen_clock):
    two = RACE.replace(
        b'<bpmn:messageEventDefinition messageRef="m_reply"/>',
        b'<bpmn:timerEventDefinition><bpmn:timeDuration>"P30D"</bpmn:timeDuration>'
        b"</bpmn:timerEventDefinition>",
    ).replace(b'"P14D"', b'"P1D"')
    # Plain SpiffWorkflow gives the second, one-day timer the thirty days of the first.
    theirs = plain_run(two, "race", [Complete("ask"), Wait(timedelta(days=2))], frozen_clock)
    assert theirs.path[-1] == "ask"
    with pytest.raises(InvalidModel, match="which_first: an event-based gateway may lead"):
        run.start(two)
