"""A timer whose next step kills or freezes its script worker: the poller survives it,
keeps firing the other cases, and after `incident_after` attempts opens one incident
and stops trying, until an administrator retries or cancels it. Real worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.audit.models import AuditEvent
from pathways.cases.models import ProcessInstance
from pathways.deadlines.models import Timer
from pathways.deadlines.scheduler import Poller
from pathways.errors import Conflict, NotPermitted
from pathways.incidents import service as incidents
from pathways.incidents.models import Incident
from pathways.people.actors import Actor
from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from tests import factories

BIN = Path(sys.executable).parent / "pathways"
CRASH = {"start_mode": "", "complete_mode": "", "timer_mode": "crash", "size": 200_000}
FREEZE = {**CRASH, "timer_mode": "freeze"}
PLAIN = {**CRASH, "timer_mode": ""}


def poll(db, settings):
    return Poller(settings, engine=db.engine, now_source=lambda _s: clock.now()).run_once()


def waiting_after_intake(db, settings, reference, data):
    with db.tx() as s:
        case = factories.start(s, settings, "sandbox_poison", reference=reference, data=data)
        intake = factories.open_task(s, case.id, "intake")
        tasks.complete(
            s, task_id=intake.id, data={}, actor=factories.actor(s, "anna"), settings=settings
        )
        return case.id


@pytest.fixture
def poisoned(db, settings, frozen_clock):
    # Room for the crashing script to reach its crash on a busy machine: a time-out
    # would fail it too, but for another reason than the one these tests are about.
    settings.sandbox.seconds, settings.sandbox.wall_seconds = 30.0, 50.0
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "sandbox_poison")
    bad = waiting_after_intake(db, settings, "C-1", CRASH)
    good = waiting_after_intake(db, settings, "C-2", PLAIN)
    frozen_clock.advance(timedelta(hours=1, seconds=1))
    return bad, good


def incidents_of(db, case_id):
    with db.tx() as s:
        query = select(Incident).where(Incident.instance_id == case_id).order_by(Incident.id)
        return list(s.scalars(query))


def follow_ups(db, case_id):
    with db.tx() as s:
        rows = s.scalars(
            select(Task).where(Task.instance_id == case_id, Task.bpmn_id == "follow_up")
        )
        return [t.state for t in rows]


def test_a_crashing_timer_opens_one_incident_and_the_poller_carries_on(
    db, settings, poisoned, frozen_clock
):
    bad, good = poisoned
    first = poll(db, settings)
    assert (first.fired, first.failed) == (1, 1)
    assert follow_ups(db, good) == ["open"]  # the other case did not wait behind it
    with db.tx() as s:
        (timer,) = s.scalars(select(Timer).where(Timer.instance_id == bad))
        assert "after_wait" in (timer.last_error or "") and "crashed" in timer.last_error

    for _ in range(5):  # past every backoff: three attempts in all, then it stops
        frozen_clock.advance(timedelta(hours=2))
        poll(db, settings)

    (incident,) = incidents_of(db, bad)
    assert (incident.element, incident.attempts, incident.state) == ("after_wait", 3, "open")
    assert "crashed its process (SIGSEGV)" in incident.reason
    with db.tx() as s:
        assert s.get(ProcessInstance, bad).last_error.startswith("after_wait: ")
        (timer,) = s.scalars(select(Timer).where(Timer.instance_id == bad))
        assert timer.state == "waiting" and timer.attempts == 3
    frozen_clock.advance(timedelta(days=1))
    assert poll(db, settings).failed == 0  # the poller no longer claims it
    with db.tx() as s:
        (timer,) = s.scalars(select(Timer).where(Timer.instance_id == bad))
        assert timer.attempts == 3


def test_an_admin_retries_an_incident_and_the_case_gets_fresh_attempts(
    db, settings, poisoned, frozen_clock
):
    settings.deadlines.incident_after = 1
    bad, _ = poisoned
    poll(db, settings)
    (incident,) = incidents_of(db, bad)
    with db.tx() as s, pytest.raises(NotPermitted):
        incidents.retry(s, incident_id=incident.id, actor=factories.actor(s, "anna"))
    with db.tx() as s:
        incidents.retry(s, incident_id=incident.id, actor=factories.actor(s, "admin"))
        (timer,) = s.scalars(select(Timer).where(Timer.instance_id == bad))
        assert (timer.attempts, timer.next_attempt_at, timer.last_error) == (0, None, None)
    with db.tx() as s, pytest.raises(Conflict):
        incidents.retry(s, incident_id=incident.id, actor=Actor.operator())
    assert poll(db, settings).failed == 1  # tried again: still poison, a second incident
    assert [i.state for i in incidents_of(db, bad)] == ["retried", "open"]
    with db.tx() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.instance_id == bad))
        assert list(actions).count("incident.retried") == 1


def test_an_admin_cancels_an_incident_and_its_case(db, settings, poisoned):
    settings.deadlines.incident_after = 1
    bad, _ = poisoned
    poll(db, settings)
    (incident,) = incidents_of(db, bad)
    with db.tx() as s:
        listed = incidents.list_incidents(s, actor=factories.actor(s, "admin"))
        assert [(r.incident.id, r.model) for r in listed] == [(incident.id, "sandbox_poison")]
        incidents.cancel(s, incident_id=incident.id, actor=Actor.operator(), settings=settings)
    with db.tx() as s:
        assert s.get(ProcessInstance, bad).state == "cancelled"
        assert incidents.list_incidents(s, actor=Actor.operator()) == []
        assert "incident.cancelled" in s.scalars(select(AuditEvent.action)).all()


def test_a_freezing_timer_is_stopped_by_the_watchdog_and_becomes_an_incident(
    db, settings, frozen_clock
):
    settings.deadlines.incident_after = 1
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "sandbox_poison")
    bad = waiting_after_intake(db, settings, "C-1", FREEZE)
    frozen_clock.advance(timedelta(hours=1, seconds=1))
    report = poll(db, settings)
    assert report.failed == 1
    (incident,) = incidents_of(db, bad)
    assert incident.element == "after_wait" and "was stopped" in incident.reason


def test_a_worker_process_survives_a_poison_timer_and_opens_one_incident(db, settings):
    if db.dialect != "sqlite":
        pytest.skip("the command line is tested on a database file")
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "sandbox_poison")
    bad = waiting_after_intake(db, settings, "C-1", CRASH)
    good = waiting_after_intake(db, settings, "C-2", PLAIN)
    env = {
        **os.environ,
        "PATHWAYS_DATABASE_URL": db.url,
        "PATHWAYS_DEADLINES__CLOCK_SKEW_FOR_TESTS_SECONDS": "7200",  # the hour has passed
        "PATHWAYS_DEADLINES__BACKOFF_SECONDS": "0.1",
    }
    outcomes = []
    for _ in range(4):
        result = subprocess.run(
            [str(BIN), "worker", "--once"], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr  # not 139: the crash was the worker's
        outcomes.append(result.stderr.strip().splitlines()[-1])
        time.sleep(0.5)  # past the backoff
    assert outcomes == [
        "worker: 1 timers fired, 1 failed",
        "worker: 0 timers fired, 1 failed",
        "worker: 0 timers fired, 1 failed",
        "worker: 0 timers fired, 0 failed",  # an incident now: no longer claimed
    ]
    assert follow_ups(db, good) == ["open"]
    (incident,) = incidents_of(db, bad)
    assert (incident.element, incident.attempts, incident.state) == ("after_wait", 3, "open")
