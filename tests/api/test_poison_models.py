"""Models that crash or freeze their script worker, through every door: deploy, start and
complete answer 422 naming the element, a dry run says where it stopped, while another
client's requests keep answering. Real HTTP, real worker processes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from pathways.incidents import service as incidents
from tests import factories
from tests.model_xml import one_step

BPMN = Path(__file__).parents[1] / "bpmn"
XML = {"Content-Type": "application/xml"}
CRASH = {"start_mode": "", "complete_mode": "", "timer_mode": "", "size": 200_000}
FREEZE_TIMER = "sum(map(sum, map(range, range(50000)))) and 'P1D'"


@pytest.fixture
def poison(api):
    # A freeze lasts 5 s: well apart from the 2 s any request may take on a busy machine.
    api.settings.sandbox.wall_seconds = 5.0
    with api.db.tx() as s:
        factories.deploy(s, api.settings, "sandbox_poison")
    return api


class Bystander:
    """Another client reading its inbox over and over, and a load balancer asking
    `/healthz`, each in a thread of its own, while the poison runs."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.latencies: list[float] = []  # the inbox
        self.health: list[float] = []  # /healthz
        self.statuses: set[int] = set()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=("/api/tasks", self.latencies), daemon=True),
            threading.Thread(target=self._run, args=("/healthz", self.health), daemon=True),
        ]

    def _run(self, path: str, took: list[float]) -> None:
        with httpx.Client(base_url=str(self.client.base_url), timeout=30) as client:
            client.headers.update(self.client.headers)
            client.cookies.update(self.client.cookies)
            while not self._stop.is_set():
                started = time.monotonic()
                self.statuses.add(client.get(path).status_code)
                took.append(time.monotonic() - started)
                time.sleep(0.05)

    def __enter__(self) -> Bystander:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


def baseline(client: httpx.Client) -> float:
    took = []
    for _ in range(5):
        started = time.monotonic()
        client.get("/api/tasks")
        client.get("/healthz")
        took.append(time.monotonic() - started)
    return max(took)


def during(api, poisoned) -> tuple[httpx.Response, Bystander]:
    """The poison's answer, with another client's requests timed while it ran.

    `/healthz` answers at its usual pace on both databases. PostgreSQL locks only the
    poisoned case's rows: the inbox answers at its usual pace too. SQLite has one writer
    at a time and every transaction here writes, so there the inbox queues behind the
    poisoned request, for no longer than its watchdog allows."""
    other = api.browser("otto")
    usual = baseline(other)
    with Bystander(other) as bystander:
        answer = poisoned()
    assert bystander.statuses == {200}
    assert len(bystander.health) >= 3  # it kept answering while the worker was busy
    assert max(bystander.health) < max(2.0, 10 * usual)
    wall = api.settings.sandbox.wall_seconds
    if api.db.url.startswith("postgresql"):
        assert len(bystander.latencies) >= 3  # it kept answering while the worker was busy
        # Usual pace: far below the poison's seconds, with room for a busy machine.
        assert max(bystander.latencies) < max(2.0, 10 * usual)
    else:
        assert max(bystander.latencies) < wall + 2.0
    return answer, bystander


def test_a_timer_that_freezes_at_deploy_is_refused_naming_it(poison):
    dana = poison.integrator("dana")
    model = one_step(timer=FREEZE_TIMER, process_id="frozen")
    answer, _ = during(
        poison, lambda: dana.post("/api/models/frozen/versions", content=model, headers=XML)
    )
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert problem["element_id"] == "deadline"
    assert "ran longer than" in problem["message"]  # the watchdog or the CPU limit
    assert "and was stopped" in problem["message"]


def test_a_start_that_crashes_its_worker_answers_422_naming_the_script(poison):
    anna = poison.integrator("anna")
    body = {
        "model": "sandbox_poison",
        "client": {"reference": "C-9", "municipality": "barsby"},
        "data": {**CRASH, "start_mode": "crash"},
    }
    answer, _ = during(poison, lambda: anna.post("/api/instances", json=body))
    assert answer.status_code == 422
    assert answer.json()["detail"] == "at_start: the script crashed its process (SIGSEGV)"
    body["data"] = CRASH
    assert anna.post("/api/instances", json=body).status_code == 201  # the replica carries on


def test_a_completion_that_freezes_its_worker_answers_422_and_the_task_stays_open(poison):
    anna = poison.integrator("anna")
    with poison.db.tx() as s:
        data = {**CRASH, "complete_mode": "freeze"}
        case = factories.start(s, poison.settings, "sandbox_poison", reference="C-8", data=data)
        task_id = factories.open_task(s, case.id, "intake").id
    answer, _ = during(poison, lambda: anna.post(f"/api/tasks/{task_id}/complete", json={}))
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("after_intake: the script ran longer than")
    assert anna.get(f"/api/tasks/{task_id}").json()["state"] == "open"


def test_a_dry_run_that_crashes_its_worker_says_where_it_stopped(poison):
    dana = poison.integrator("dana")
    body = {"data": {**CRASH, "start_mode": "crash"}}
    answer, _ = during(
        poison, lambda: dana.post("/api/models/sandbox_poison/versions/1/dry-run", json=body)
    )
    assert answer.status_code == 200  # a dry run reports where the case stopped, and why
    run = answer.json()
    assert run["stopped"] == "at_start: the script crashed its process (SIGSEGV)"
    assert run["finished"] is False


def test_incidents_are_for_admins(poison):
    assert poison.integrator("anna").get("/api/incidents").status_code == 403
    assert poison.integrator("admin").get("/api/incidents").json() == []
    assert poison.integrator("admin").post("/api/incidents/7/retry").status_code == 404
    assert poison.integrator("mari").post("/api/incidents/7/cancel").status_code == 403


def test_an_admin_lists_retries_and_cancels_incidents_over_http(poison):
    with poison.db.tx() as s:
        case = factories.start(s, poison.settings, "sandbox_poison", reference="C-7", data=CRASH)
        first = incidents.open_incident(
            s, instance_id=case.id, element="after_wait", reason="crashed", attempts=3
        )
        assert first is not None
    admin = poison.integrator("admin")
    (listed,) = admin.get("/api/incidents").json()
    assert {k: listed[k] for k in ("id", "instance_id", "model", "element", "attempts")} == {
        "id": first.id,
        "instance_id": case.id,
        "model": "sandbox_poison",
        "element": "after_wait",
        "attempts": 3,
    }
    retried = admin.post(f"/api/incidents/{first.id}/retry")
    assert retried.status_code == 200 and retried.json()["state"] == "retried"
    assert retried.json()["closed_by"] == "admin"
    assert admin.post(f"/api/incidents/{first.id}/retry").status_code == 409
    assert admin.get("/api/incidents").json() == []
    assert [i["id"] for i in admin.get("/api/incidents?state=all").json()] == [first.id]
    with poison.db.tx() as s:
        second = incidents.open_incident(
            s, instance_id=case.id, element="after_wait", reason="crashed", attempts=3
        )
        assert second is not None
    assert admin.post(f"/api/incidents/{second.id}/cancel").json()["state"] == "cancelled"
    assert admin.get(f"/api/instances/{case.id}").json()["state"] == "cancelled"
    actions = [e["action"] for e in admin.get(f"/api/audit?instance={case.id}").json()]
    assert {"incident.opened", "incident.retried", "incident.cancelled"} <= set(actions)
