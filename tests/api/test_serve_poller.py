"""`pathways serve` fires due timers in-process: a deadline that passed while nothing ran
fires as soon as the service starts."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from pathways import clock
from pathways.tasks.models import Task, TaskState
from tests import factories
from tests.api.live import LiveServer


def test_a_deadline_that_passed_while_down_fires_when_the_service_starts(db, settings):
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "handoff")
    # Started four days ago: its three-day guidance deadline has passed.
    with clock.frozen(clock.now() - timedelta(days=4)), db.tx() as s:
        case = factories.start(s, settings, "handoff").id
    with LiveServer(settings, poller=True):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not escalated(db, case):
            time.sleep(0.1)
    assert escalated(db, case)


def escalated(db, case):
    with db.tx() as s:
        found = s.scalar(
            select(Task.id).where(
                Task.instance_id == case, Task.bpmn_id == "escalate", Task.state == TaskState.OPEN
            )
        )
        return found is not None
