"""Everything stopped (replicas, worker and the database) while 1,000 deadlines pass, then
started again: every one of them fires, once. The database is a private server."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from tests.conftest import budget
from tests.faults import private_postgres
from tests.faults.conftest import (
    NEEDS_WORKER,
    POSTGRES,
    QUICK_WORKER,
    fired_once,
    fresh_database,
    seed,
    timers_fired,
    wait_until,
)
from tests.faults.private_postgres import PrivatePostgres

from pathways import clock

pytestmark = [
    *POSTGRES,
    NEEDS_WORKER,
    pytest.mark.skipif(not private_postgres.available(), reason="initdb/pg_ctl not installed"),
]
DEADLINES = 1000
# Seconds from the start of seeding until the deadlines pass: seeding must finish first.
DUE_IN = budget(10, items=DEADLINES, per_item=0.01)


def test_deadlines_that_passed_while_everything_was_down_all_fire_once_on_restart(cluster):
    with PrivatePostgres() as server, fresh_database(server.url) as db:
        cluster.database_url = server.url
        cluster.replica("replica-1")
        cluster.replica("replica-2")
        cluster.worker(**QUICK_WORKER)
        # A 3-day deadline on cases started 3 days ago less a few seconds falls due shortly.
        due = clock.now() + timedelta(seconds=DUE_IN)
        seeded = seed(db, 0, timed=DEADLINES, timed_at=due - timedelta(days=3))
        assert timers_fired(db) == 0, "seeding took longer than the deadlines' lead"

        cluster.stop_all()
        db.engine.dispose()
        server.stop()
        time.sleep(max(0.0, (due - clock.now()).total_seconds()) + 1)
        server.start()

        cluster.replica("replica-1")
        cluster.replica("replica-2")
        cluster.worker(**QUICK_WORKER)
        assert wait_until(
            lambda: timers_fired(db) >= DEADLINES,
            within=budget(30, items=DEADLINES, per_item=0.1),
            pause=1,
            seen=lambda: f"{timers_fired(db)} of {DEADLINES} fired",
        )
        assert fired_once(db, seeded.timed)
