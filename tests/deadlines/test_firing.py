"""Firing a case's due timers through the service: once, at its time, and never early."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pathways.deadlines.firing import fire_due
from pathways.deadlines.models import Timer, TimerState
from pathways.tasks.models import Task
from tests import factories


@pytest.fixture
def case(db, settings, frozen_clock):
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "handoff")
        return factories.start(s, settings, "handoff").id


def timer_states(db, case_id):
    with db.tx() as s:
        return [t.state for t in s.scalars(select(Timer).where(Timer.instance_id == case_id))]


def test_a_timer_not_yet_due_fires_nothing(db, settings, case):
    with db.tx() as s:
        assert fire_due(s, instance_id=case, settings=settings).fired == frozenset()
    assert timer_states(db, case) == [TimerState.WAITING]


def test_a_due_timer_fires_once_and_its_row_says_so(db, settings, case, frozen_clock):
    frozen_clock.advance(timedelta(days=3, seconds=1))
    with db.tx() as s:
        first = fire_due(s, instance_id=case, settings=settings)
    with db.tx() as s:
        second = fire_due(s, instance_id=case, settings=settings)
    assert len(first.fired) == 1 and second.fired == frozenset()
    assert timer_states(db, case) == [TimerState.FIRED]
    with db.tx() as s:
        guidance = s.scalar(
            select(Task).where(Task.instance_id == case, Task.bpmn_id == "guidance")
        )
        assert guidance is not None and guidance.state == "open"  # the deadline did not interrupt
        escalation = s.scalar(
            select(Task).where(Task.instance_id == case, Task.bpmn_id == "escalate")
        )
        assert escalation is not None and escalation.state == "open"
