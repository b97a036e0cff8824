"""The morning job: a snapshot for the trends and one digest per organisation a day, run
as often as replicas like; a process starting after the morning hour catches up."""

from __future__ import annotations

import time
from datetime import time as clock_time
from datetime import timedelta

from sqlalchemy import func, select

from pathways import clock
from pathways.dashboards.daily import DailyJobs, morning
from pathways.dashboards.models import DashboardSnapshot
from pathways.idempotency import service as idempotency


def snapshot_rows(db):
    with db.tx() as s:
        return s.scalar(select(func.count()).select_from(DashboardSnapshot))


def test_the_morning_job_snapshots_and_mails_once_however_often_it_runs(
    db, mail_settings, load, mailbox
):
    first = morning(db.engine, mail_settings)
    again = morning(db.engine, mail_settings)
    assert first.snapshot_rows > 0 and snapshot_rows(db) == first.snapshot_rows
    assert sorted(first.digests) == ["barsby", "ostby"] and again.digests == []
    assert len(mailbox.to("mona@barsby.example")) == 1


def test_a_process_started_after_the_morning_hour_catches_up_at_once(db, settings, load):
    early = settings.model_copy(
        update={"dashboards": settings.dashboards.model_copy(update={"morning_at": clock_time(0)})}
    )
    jobs = DailyJobs(db.engine, early)
    jobs.start()
    try:
        deadline = time.monotonic() + 20
        while snapshot_rows(db) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        jobs.stop()
    assert snapshot_rows(db) > 0


def test_the_morning_job_lets_go_of_idempotency_keys_older_than_a_week(db, settings, load):
    with db.tx() as s:
        old = idempotency.reserve(s, actor="anna", route="r", key="old", fingerprint="f")
        old.created_at = clock.now() - idempotency.KEEP_FOR - timedelta(minutes=1)
        idempotency.reserve(s, actor="anna", route="r", key="fresh", fingerprint="f")
    assert morning(db.engine, settings).forgotten_keys == 1
    with db.tx() as s:
        assert idempotency.find(s, actor="anna", route="r", key="old") is None
        assert idempotency.find(s, actor="anna", route="r", key="fresh") is not None
