"""A worker killed with SIGKILL while it holds timer leases: another worker takes the timers
over once the leases lapse, and every deadline fires exactly once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from tests.conftest import budget
from tests.faults.conftest import (
    NEEDS_WORKER,
    POSTGRES,
    QUICK_WORKER,
    fired_once,
    seed,
    timers_fired,
    wait_until,
)

from pathways import clock
from pathways.deadlines.models import Timer

pytestmark = [*POSTGRES, NEEDS_WORKER]
TIMED = 250  # more than two of the poller's batches (100 timers): leases outlive the kill


def leases_held(db) -> int:
    with db.tx() as s:
        held = select(func.count()).select_from(Timer).where(Timer.lease_owner.is_not(None))
        return int(s.scalar(held) or 0)


def test_timers_leased_by_a_killed_worker_fire_once_through_another(faults_db, cluster):
    seeded = seed(faults_db, 0, timed=TIMED, timed_at=clock.now() - timedelta(days=3, minutes=1))
    first = cluster.worker("worker-1", **QUICK_WORKER)
    assert wait_until(
        lambda: leases_held(faults_db) > 0 or timers_fired(faults_db) > 0,
        within=budget(30),
        seen=lambda: "no lease taken, no timer fired",
    )
    first.kill()
    assert timers_fired(faults_db) < TIMED, "the first worker finished before it could be killed"

    cluster.worker("worker-2", **QUICK_WORKER)
    assert wait_until(
        lambda: timers_fired(faults_db) >= TIMED,
        within=budget(30, items=TIMED, per_item=0.2),
        seen=lambda: f"{timers_fired(faults_db)} of {TIMED} fired, {leases_held(faults_db)} leased",
    )
    assert fired_once(faults_db, seeded.timed)
