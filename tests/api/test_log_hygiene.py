"""No log line carries client data: a whole case (start, reads, a form, messages, a
deadline, a waiting period, a script that fails on the client's data, refusals and bad
input) runs over real HTTP with one marker in every field a caller fills, and the marker
appears nowhere in what the service logged, at every level, also with SpiffWorkflow's
own loggers turned up to DEBUG."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.deadlines.models import Timer
from pathways.edge.logs import QUIET_LOGGERS, JsonFormatter
from pathways.tasks.models import Task, TaskState
from tests import factories
from tests.api.conftest import Api
from tests.api.live import LiveServer
from tests.conftest import TESTS

MARKER = "Zq8Lm4Marker"
XML = {"content-type": "application/xml"}


class Capture:
    """Everything every logger writes, at every level, formatted as the service writes it."""

    def __init__(self, spiff_debug: bool) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter())
        self.handler.setLevel(logging.DEBUG)
        self.spiff_debug = spiff_debug
        self.lines = 0

    def __enter__(self) -> Capture:
        root = logging.getLogger()
        self.level = root.level
        root.addHandler(self.handler)
        root.setLevel(logging.DEBUG)
        return self

    def __exit__(self, *_exc: object) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        root.setLevel(self.level)
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)

    def after_app_started(self) -> None:
        """An operator who turns SpiffWorkflow's loggers up, after the app quietened them."""
        if self.spiff_debug:
            for name in ("spiff", "spiff.task", "spiff.workflow", "spiff.data"):
                logging.getLogger(name).setLevel(logging.DEBUG)

    @property
    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture(params=[False, True], ids=["default-levels", "spiff-debug"])
def capture(request: pytest.FixtureRequest) -> Iterator[Capture]:
    with Capture(spiff_debug=request.param) as captured:
        yield captured


def served(settings, capture: Capture, *, poller: bool = False) -> LiveServer:
    server = LiveServer(settings, poller=poller)
    capture.after_app_started()
    return server


def test_a_whole_case_leaves_no_client_data_in_the_log(db, settings, capture):
    with db.tx() as s:
        factories.team(s)
    # Three hours ago: the deadline and the waiting period fall due once the poller runs.
    with clock.frozen(clock.now() - timedelta(hours=3)), served(settings, capture) as server:
        api = Api(server, db, settings)
        try:
            first, second = work_on_cases_over_http(api)
        finally:
            api.close()
    with served(settings, capture, poller=True):
        wait_until(lambda: fired(db, first, "follow_up") and fired(db, second, "escalate"))
    assert capture.text.count("\n") > 20, "the scenario logged (nearly) nothing"
    assert '"logger": "pathways.http"' in capture.text
    assert leaked(capture) == []


def test_a_script_that_fails_on_client_data_leaves_it_out_of_the_poller_log(db, settings, capture):
    with db.tx() as s:
        factories.team(s)
    with clock.frozen(clock.now() - timedelta(hours=3)), served(settings, capture) as server:
        api = Api(server, db, settings)
        try:
            anna = api.integrator("anna")
            deploy(api)
            case = start(anna, MARKER, {"note": MARKER, "as_number": True})
            task = open_task(api, case, "guidance")
            form = {"data": {"summary": MARKER, "jobseeker": True}}
            assert anna.post(f"/api/tasks/{task}/complete", json=form).status_code == 200
            message = f"/api/instances/{case}/messages/registered_as_jobseeker"
            assert anna.post(message, json={}).status_code == 200
        finally:
            api.close()
    with served(settings, capture, poller=True):
        wait_until(lambda: timer_failed(db, case))
    assert leaked(capture) == []


def leaked(capture: Capture) -> list[str]:
    return [line for line in capture.text.splitlines() if MARKER in line]


def work_on_cases_over_http(api: Api) -> tuple[int, int]:
    anna, olli = api.integrator("anna"), api.integrator("olli")
    deploy(api)
    first = start(anna, MARKER, {"note": MARKER, "as_number": False, MARKER: [{"x": MARKER}]})
    second = start(anna, f"{MARKER}-2", {"note": MARKER, "as_number": False})
    headers = {"X-Purpose": MARKER}
    assert anna.get(f"/api/instances/{first}", headers=headers).status_code == 200
    assert anna.get("/api/tasks", params={"model": MARKER, "assignee": MARKER}).status_code == 200
    task = open_task(api, first, "guidance")
    assert anna.get(f"/api/tasks/{task}", headers=headers).status_code == 200
    refused = {"data": {"summary": MARKER, "jobseeker": True}}
    assert olli.post(f"/api/tasks/{task}/complete", json=refused).status_code == 403
    invalid = {"data": {"summary": MARKER, "jobseeker": MARKER, MARKER: MARKER}}
    assert anna.post(f"/api/tasks/{task}/complete", json=invalid).status_code == 422
    done = anna.post(f"/api/tasks/{task}/complete", json={"data": refused["data"]})
    assert done.status_code == 200, done.text
    unknown = anna.post(f"/api/instances/{first}/messages/{MARKER}", json={"x": MARKER})
    assert unknown.status_code in (404, 409, 422)
    payload = {"registered_on": MARKER, MARKER: MARKER}
    delivered = anna.post(f"/api/instances/{first}/messages/registered_as_jobseeker", json=payload)
    assert delivered.status_code == 200, delivered.text
    bad = {"model": "log_scenario", "client": {"reference": f"{MARKER}!", "municipality": "barsby"}}
    assert anna.post("/api/instances", json=bad).status_code == 422
    typed = {"model": "log_scenario", "client": {"reference": "C-7", "municipality": "barsby"}}
    typed["data"] = {"x": {"typename": MARKER}}
    assert anna.post("/api/instances", json=typed).status_code == 422
    return first, second


def deploy(api: Api) -> None:
    model = (TESTS / "bpmn" / "log_scenario.bpmn").read_bytes()
    answer = api.integrator("dana").post(
        "/api/models/log_scenario/versions", content=model, headers=XML
    )
    assert answer.status_code == 201, answer.text


def start(client, reference: str, data: dict) -> int:
    body = {
        "model": "log_scenario",
        "client": {"reference": reference, "municipality": "barsby", "contact_language": "ar"},
        "data": data,
    }
    answer = client.post("/api/instances", json=body)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def open_task(api: Api, case: int, bpmn_id: str) -> int:
    with api.db.tx() as s:
        return factories.open_task(s, case, bpmn_id).id


def fired(db, case: int, opened: str) -> bool:
    """The case's timer fired and opened the step `opened`."""
    with db.tx() as s:
        found = s.scalar(
            select(Task.id).where(
                Task.instance_id == case, Task.bpmn_id == opened, Task.state == TaskState.OPEN
            )
        )
        return found is not None


def timer_failed(db, case: int) -> bool:
    with db.tx() as s:
        return (
            s.scalar(select(Timer.id).where(Timer.instance_id == case, Timer.attempts > 0))
            is not None
        )


def wait_until(condition, budget: float = 30.0) -> None:
    deadline = time.monotonic() + budget
    while not condition():
        assert time.monotonic() < deadline, "the poller did not fire the due timers in time"
        time.sleep(0.1)


def test_an_error_is_logged_by_its_types_and_frames_not_its_message():
    def fail() -> None:
        try:
            raise KeyError(MARKER)
        except KeyError as error:
            raise ValueError(f"invalid literal: {MARKER!r}") from error

    try:
        fail()
    except ValueError as error:
        record = logging.LogRecord("pathways.http", logging.ERROR, "", 0, "boom", None, None)
        record.exc_info = (type(error), error, error.__traceback__)
        line = JsonFormatter().format(record)
    assert MARKER not in line
    assert "builtins.ValueError" in line and "builtins.KeyError" in line and "in fail" in line


def test_a_librarys_extra_fields_are_dropped_and_ours_kept():
    spiff = logging.LogRecord("spiff.task", logging.INFO, "", 0, "State changed", None, None)
    spiff.data = {"summary": MARKER}
    ours = logging.LogRecord("pathways.http", logging.INFO, "", 0, "request", None, None)
    ours.route, ours.details = "/api/tasks/{task_id}", {"summary": MARKER}
    formatter = JsonFormatter()
    assert MARKER not in formatter.format(spiff)
    assert '"route": "/api/tasks/{task_id}"' in formatter.format(ours)
    assert MARKER not in formatter.format(ours)  # only plain values, never structures
