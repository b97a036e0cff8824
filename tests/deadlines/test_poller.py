"""The poller with a frozen clock: every kind of timer fires once, at its time, and a
failing case neither blocks the others nor loses its place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.deadlines import poller
from pathways.deadlines.models import Timer, TimerState
from pathways.deadlines.scheduler import Poller
from pathways.tasks.models import Task
from tests import factories

SECOND = timedelta(seconds=1)


def frozen_now(_session):
    return clock.now()


def poll(db, settings):
    return Poller(settings, engine=db.engine, now_source=frozen_now).run_once()


def rows(db, model, case_id, **where):
    with db.tx() as s:
        query = select(model).where(model.instance_id == case_id).order_by(model.id)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(s.scalars(query))


def states(db, model, case_id, bpmn_id):
    return [r.state for r in rows(db, model, case_id, bpmn_id=bpmn_id)]


@pytest.fixture
def kinds(db, settings, frozen_clock):
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "timer_kinds")
        return factories.start(s, settings, "timer_kinds").id


def test_a_timer_start_event_delays_the_first_step(db, settings, kinds, frozen_clock):
    (start,) = rows(db, Timer, kinds)
    assert (start.bpmn_id, start.kind) == ("start", "duration")
    assert start.due_at == frozen_clock.moment + timedelta(minutes=30)
    frozen_clock.advance(timedelta(minutes=30))
    assert poll(db, settings).fired == 0  # due means past due, as the engine counts
    frozen_clock.advance(SECOND)
    assert poll(db, settings).fired == 1
    assert states(db, Timer, kinds, "start") == ["fired"]
    assert states(db, Timer, kinds, "cool_off") == ["waiting"]


def test_duration_cycle_and_interrupting_date_timers(db, settings, kinds, frozen_clock):
    started = frozen_clock.moment
    frozen_clock.advance(timedelta(minutes=30, seconds=1))
    poll(db, settings)
    frozen_clock.advance(timedelta(hours=2, seconds=1))
    poll(db, settings)  # the waiting period is over: the review opens with its timers
    (review,) = rows(db, Task, kinds, bpmn_id="review")
    (expired,) = rows(db, Timer, kinds, bpmn_id="expired")
    # working_days_later(1) on a Monday: Tuesday, same clock time.
    assert expired.due_at == started + timedelta(days=1, hours=2, minutes=30, seconds=2)
    assert review.due_at == min(t.due_at for t in rows(db, Timer, kinds, state="waiting"))

    for _ in range(3):  # an hourly reminder, twice (R2), however often the poller runs
        frozen_clock.advance(timedelta(hours=1))
        poll(db, settings)
        poll(db, settings)
    assert states(db, Task, kinds, "reminder") == ["open", "open"]
    assert states(db, Task, kinds, "review") == ["open"]

    frozen_clock.set(expired.due_at + SECOND)
    assert poll(db, settings).failed == 0
    assert states(db, Task, kinds, "review") == ["cancelled"]  # the deadline interrupted it
    (take_over,) = rows(db, Task, kinds, bpmn_id="take_over")
    assert take_over.state == "open" and take_over.lane == "Employment area"
    (fired,) = rows(db, Timer, kinds, bpmn_id="expired")
    assert fired.state == TimerState.FIRED
    assert fired.lateness_seconds == pytest.approx(1.0, abs=0.001)  # SQLite: to the ms


def helsinki(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=clock.HELSINKI).astimezone(UTC)


@pytest.mark.parametrize(
    ("registered", "deadline"),
    [
        # Fri 18 Dec 2026: Christmas Eve, Christmas Day, New Year's Day and Epiphany skipped.
        pytest.param(helsinki(2026, 12, 18, 9), helsinki(2027, 1, 7, 9), id="christmas"),
        # Mon 15 Jun 2026: Midsummer Eve (Fri 19 Jun) skipped.
        pytest.param(helsinki(2026, 6, 15, 9), helsinki(2026, 6, 30, 9), id="midsummer"),
    ],
)
def test_ten_working_days_and_an_escalation_opened_exactly_once(db, settings, registered, deadline):
    with clock.frozen(registered) as frozen:
        with db.tx() as s:
            factories.team(s)
            factories.deploy(s, settings, "interview_deadline")
            case = factories.start(s, settings, "interview_deadline").id
        (interview,) = rows(db, Task, case, bpmn_id="interview")
        (late,) = rows(db, Timer, case)
        assert interview.due_at == deadline == late.due_at

        frozen.set(deadline - timedelta(minutes=1))
        assert poll(db, settings).fired == 0
        assert rows(db, Task, case, bpmn_id="escalate") == []

        frozen.set(deadline + SECOND)
        assert poll(db, settings).fired == 1
        frozen.advance(timedelta(days=3))
        assert poll(db, settings).fired == 0
        (escalation,) = rows(db, Task, case, bpmn_id="escalate")
        assert escalation.lane == "Municipality" and escalation.state == "open"
        assert states(db, Task, case, "interview") == ["open"]  # non-interrupting: still due
        assert rows(db, Task, case, bpmn_id="interview")[0].due_at == deadline


@pytest.fixture
def two_cases(db, settings, frozen_clock):
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "timer_script")
        good = factories.start(s, settings, "timer_script", data={"parts": 4}).id
        bad = factories.start(s, settings, "timer_script", reference="C-2", data={"parts": 0}).id
    frozen_clock.advance(timedelta(hours=1, seconds=1))
    return good, bad


def test_a_failing_timer_backs_off_and_never_blocks_the_others(
    db, settings, two_cases, frozen_clock
):
    good, bad = two_cases
    report = poll(db, settings)
    assert (report.fired, report.failed) == (1, 1)
    assert states(db, Task, good, "follow_up") == ["open"]
    (failing,) = rows(db, Timer, bad)
    assert failing.state == "waiting" and failing.attempts == 1
    assert "ZeroDivisionError" in (failing.last_error or "")
    assert failing.next_attempt_at == frozen_clock.moment + timedelta(seconds=5)
    assert failing.lease_owner is None

    assert poll(db, settings).failed == 0  # not before its backoff is over
    frozen_clock.advance(timedelta(seconds=5))
    assert poll(db, settings).failed == 1
    (failing,) = rows(db, Timer, bad)
    assert failing.attempts == 2
    assert failing.next_attempt_at == frozen_clock.moment + timedelta(seconds=10)


def test_a_poller_that_lost_its_lease_fires_nothing(db, settings, two_cases, frozen_clock):
    good, _ = two_cases
    lease = timedelta(seconds=settings.deadlines.lease_seconds)
    with db.tx() as s:
        claimed = poller.claim(s, owner="slow", now=clock.now(), limit=10, lease=lease)
    assert len(claimed) == 2
    frozen_clock.advance(lease + SECOND)  # "slow" stalls past its lease; another takes over
    assert poll(db, settings).fired == 1
    mine = [t for t in claimed if t.instance_id == good]
    with pytest.raises(poller.LeaseLost):
        poller.fire_case(db.engine, settings, good, mine, owner="slow", now_source=frozen_now)
    assert states(db, Task, good, "follow_up") == ["open"]
    (timer,) = rows(db, Timer, good)
    assert timer.state == "fired" and timer.attempts == 2


def test_backoff_doubles_up_to_its_ceiling():
    assert [poller.backoff(n, 5, 60).total_seconds() for n in (1, 2, 3, 4, 5)] == [
        5,
        10,
        20,
        40,
        60,
    ]
