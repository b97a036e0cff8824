"""Two replicas asked to complete the same task at the same moment, a hundred times over:
each time exactly one succeeds and the other answers 409, and the case moves on once."""

from __future__ import annotations

import threading

import httpx
from sqlalchemy import func, select
from tests.faults.conftest import FORM_DATA, POSTGRES, count_audit, seed

from pathways.tasks.models import Task, TaskState

pytestmark = POSTGRES
ROUNDS = 100


def race(clients, task_id):
    """Both clients send the completion once both are ready to; returns the statuses."""
    start = threading.Barrier(len(clients), timeout=30)
    statuses = []

    def send(client):
        start.wait()
        answer = client.post(f"/api/tasks/{task_id}/complete", json={"data": FORM_DATA})
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def test_of_two_simultaneous_completions_on_two_replicas_one_wins_and_one_gets_409(
    faults_db, cluster
):
    seeded = seed(faults_db, ROUNDS)
    token, task_ids = seeded.token, seeded.tasks
    replicas = [cluster.replica("replica-1"), cluster.replica("replica-2")]
    headers = {"Authorization": f"Bearer {token}"}
    clients = [httpx.Client(base_url=r.url, headers=headers, timeout=30) for r in replicas]
    try:
        outcomes = [race(clients, task_id) for task_id in task_ids]
    finally:
        for client in clients:
            client.close()

    assert outcomes == [[200, 409]] * ROUNDS
    with faults_db.tx() as s:
        completed = s.scalar(
            select(func.count()).select_from(Task).where(Task.state == TaskState.COMPLETED)
        )
        interviews = s.scalar(
            select(func.count()).select_from(Task).where(Task.bpmn_id == "interview")
        )
    assert completed == ROUNDS and interviews == ROUNDS
    assert count_audit(faults_db, "task.completed") == ROUNDS
