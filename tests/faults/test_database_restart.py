"""PostgreSQL restarted under load: replicas (and the worker) reconnect by themselves, and
every completion and every due deadline happens exactly once. The database is a private
server started for this test, never the machine's shared one."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from tests.conftest import budget
from tests.faults import private_postgres
from tests.faults.conftest import (
    POSTGRES,
    count_audit,
    fired_once,
    fresh_database,
    seed,
    timers_fired,
    wait_until,
)
from tests.faults.load import Load
from tests.faults.private_postgres import PrivatePostgres

from pathways import clock
from pathways.local_cluster import worker_available
from pathways.tasks.models import Task, TaskState

pytestmark = [
    *POSTGRES,
    pytest.mark.skipif(not private_postgres.available(), reason="initdb/pg_ctl not installed"),
]
CASES = 80
TIMED = 40  # cases whose deadline is already past, for the worker to fire across the restart


def test_a_database_restart_under_load_loses_nothing_and_doubles_nothing(cluster):
    with PrivatePostgres() as server, fresh_database(server.url) as db:
        cluster.database_url = server.url
        with_worker = worker_available()
        seeded = seed(
            db,
            CASES,
            timed=TIMED if with_worker else 0,
            timed_at=clock.now() - timedelta(days=3, minutes=1),
        )
        replicas = [cluster.replica("replica-1"), cluster.replica("replica-2")]
        if with_worker:
            cluster.worker()
        load = Load(seeded.token, [r.url for r in replicas], budget(60, items=CASES, per_item=0.5))
        driving = threading.Thread(target=load.complete_all, args=(seeded.tasks,))
        driving.start()
        assert wait_until(
            lambda: load.done() >= CASES // 4,
            within=budget(30, items=CASES // 4, per_item=0.5),
            seen=load.seen,
        )
        server.restart()
        driving.join(timeout=load.within + 30)
        assert not driving.is_alive(), load.seen()
        # While the server was down the replicas said so (503) instead of failing (500).
        assert "500" not in load.failures

        assert load.answers == dict.fromkeys(seeded.tasks, 200)
        assert all(replica.alive() for replica in replicas)
        assert all(
            count_audit(db, "task.completed", task_id=task_id) == 1 for task_id in seeded.tasks
        )
        with db.tx() as s:
            interviews = s.scalar(
                select(func.count()).select_from(Task).where(Task.bpmn_id == "interview")
            )
            still_open = s.scalar(
                select(func.count())
                .select_from(Task)
                .where(Task.id.in_(seeded.tasks), Task.state == TaskState.OPEN)
            )
        assert interviews == CASES and still_open == 0
        if with_worker:
            assert wait_until(
                lambda: fired_once(db, seeded.timed),
                within=budget(30, items=TIMED, per_item=0.5),
                seen=lambda: f"{timers_fired(db)} timers fired",
            )
