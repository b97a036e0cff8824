"""A replica killed with SIGKILL in the middle of completing a task, before or after its
commit: the client retries on the other replica with the same Idempotency-Key and the task
is completed exactly once, with one answer for every retry."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from tests.faults.conftest import FORM_DATA, POSTGRES, count_audit, seed

from pathways.cases.models import ProcessInstance
from pathways.idempotency.models import IdempotentRequest
from pathways.tasks.models import Task, TaskState

pytestmark = POSTGRES


def state_of(db, task_id):
    with db.tx() as s:
        task = s.get(Task, task_id)
        case = s.get(ProcessInstance, task.instance_id)
        opened = s.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.instance_id == case.id, Task.bpmn_id == "interview")
        )
        stored = s.scalars(select(IdempotentRequest)).all()
        return task.state, case.id, case.revision, opened, [r.response for r in stored]


@pytest.mark.parametrize("point", ["before_commit", "after_commit"])
def test_a_completion_cut_by_sigkill_happens_once_and_every_retry_gets_one_answer(
    faults_db, cluster, point
):
    seeded = seed(faults_db, 1)
    token, task_id = seeded.token, seeded.tasks[0]
    doomed = cluster.replica("doomed", PATHWAYS_FAULT__KILL_AT=point)
    survivor = cluster.replica("survivor")
    _, case_id, revision, _, _ = state_of(faults_db, task_id)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "complete-once-1"}
    body = {"data": FORM_DATA}

    with pytest.raises(httpx.TransportError):  # the replica died: the client never hears back
        httpx.post(f"{doomed.url}/api/tasks/{task_id}/complete", json=body, headers=headers)
    doomed.process.wait(timeout=10)
    assert doomed.process.returncode == -9

    committed = state_of(faults_db, task_id)
    assert committed[0] == (TaskState.COMPLETED if point == "after_commit" else TaskState.OPEN)

    retries = [
        httpx.post(f"{survivor.url}/api/tasks/{task_id}/complete", json=body, headers=headers)
        for _ in range(2)
    ]
    assert [r.status_code for r in retries] == [200, 200]
    assert retries[0].json() == retries[1].json()
    assert retries[1].headers["Idempotent-Replayed"] == "true"
    if point == "after_commit":  # the answer the dead replica committed but never sent
        assert retries[0].headers["Idempotent-Replayed"] == "true"
        assert retries[0].json() == committed[4][0]

    task_state, _, revision_after, interviews, stored = state_of(faults_db, task_id)
    assert task_state == TaskState.COMPLETED
    assert revision_after == revision + 1  # the engine state was written once
    assert interviews == 1  # the next step opened once
    assert len(stored) == 1
    assert count_audit(faults_db, "task.completed", task_id=task_id) == 1
    assert count_audit(faults_db, "case.started", instance_id=case_id) == 1
