"""A retried request with the same Idempotency-Key gets the first answer and never runs twice."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from pathways.audit.models import AuditEvent
from pathways.cases.models import ProcessInstance

GUIDANCE = {"data": {"summary": "Explained the services", "jobseeker": True}}
NEW_CASE = {"model": "handoff", "client": {"reference": "C-7", "municipality": "barsby"}}


def count(db, what, *where):
    with db.tx() as s:
        return s.scalar(select(func.count()).select_from(what).where(*where))


def test_a_retried_start_returns_the_first_case_and_starts_no_second(api):
    client = api.integrator("anna")
    key = {"Idempotency-Key": "start-C-7"}
    first = client.post("/api/instances", json=NEW_CASE, headers=key)
    again = client.post("/api/instances", json=NEW_CASE, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    assert count(api.db, ProcessInstance) == 3  # two seeded cases and this one


def test_a_retried_completion_returns_the_first_answer_and_completes_once(api):
    client = api.integrator("anna")
    task = client.get("/api/tasks").json()[0]["id"]
    key = {"Idempotency-Key": "complete-once"}
    first = client.post(f"/api/tasks/{task}/complete", json=GUIDANCE, headers=key)
    again = client.post(f"/api/tasks/{task}/complete", json=GUIDANCE, headers=key)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["opened"][0]["organisation"] == "westland-ea"
    assert count(api.db, AuditEvent, AuditEvent.action == "task.completed") == 1


def test_concurrent_twins_complete_once_and_both_get_the_answer(api):
    task = api.integrator("anna").get("/api/tasks").json()[0]["id"]
    clients = [api.integrator("anna") for _ in range(2)]
    answers = []

    def send(client):
        answers.append(
            client.post(
                f"/api/tasks/{task}/complete", json=GUIDANCE, headers={"Idempotency-Key": "twins"}
            )
        )

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert count(api.db, AuditEvent, AuditEvent.action == "task.completed") == 1


def test_the_same_key_with_a_different_request_is_refused(api):
    client = api.integrator("anna")
    key = {"Idempotency-Key": "reused"}
    assert client.post("/api/instances", json=NEW_CASE, headers=key).status_code == 201
    other = dict(NEW_CASE, client={"reference": "C-6", "municipality": "barsby"})
    answer = client.post("/api/instances", json=other, headers=key)
    assert answer.status_code == 422
    assert count(api.db, ProcessInstance) == 3


def test_keys_belong_to_their_caller(api):
    key = {"Idempotency-Key": "shared-key"}
    anna = api.integrator("anna").post("/api/instances", json=NEW_CASE, headers=key)
    other = dict(NEW_CASE, client={"reference": "C-5", "municipality": "barsby"})
    bea = api.integrator("bea").post("/api/instances", json=other, headers=key)
    assert anna.status_code == bea.status_code == 201
    assert anna.json()["id"] != bea.json()["id"]
