"""Bad and hostile input through the API: a clear 4xx problem, nothing changed, no trace
of the attack in answers or logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from pathways.cases.models import ProcessInstance
from pathways.edge.logs import JsonFormatter
from pathways.processes.models import ProcessVersion
from pathways.tasks.models import Task
from tests.conftest import TESTS
from tests.model_xml import one_step

XML = {"content-type": "application/xml"}
MARKER = "<script>alert('pwned-7f3a')</script>"
ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</bpmn:definitions>'
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + "]><d>&l9;</d>"
)


def problem(answer, status):
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert MARKER not in answer.text
    return answer.json()


def counts(db):
    with db.tx() as s:
        return (
            s.scalar(select(func.count()).select_from(ProcessVersion)),
            s.scalar(select(func.count()).select_from(ProcessInstance)),
            s.scalar(select(func.count()).select_from(Task).where(Task.state == "completed")),
        )


@pytest.fixture
def designer(api):
    return api.integrator("dana")


@pytest.mark.parametrize("document", [ENTITY, LAUGHS], ids=["external-entity", "billion-laughs"])
def test_hostile_xml_is_refused_and_stores_nothing(api, designer, document):
    before = counts(api.db)
    body = problem(designer.post("/api/models/evil/versions", content=document, headers=XML), 422)
    assert "/etc" not in body["detail"] and "hostname" not in str(body)
    assert counts(api.db) == before


def test_a_model_whose_condition_tries_to_leave_the_sandbox_is_refused(api, designer):
    data = (TESTS / "bpmn" / "sandbox_escape.bpmn").read_bytes()
    body = problem(
        designer.post("/api/models/sandbox_escape/versions", content=data, headers=XML), 422
    )
    assert body["problems"] and all(p["element_id"] for p in body["problems"])


def test_a_file_without_the_named_model_is_refused(api, designer):
    answer = designer.post("/api/models/other/versions", content=one_step(), headers=XML)
    body = problem(answer, 422)
    assert "the key of the address" in body["problems"][0]["message"]
    assert "other" not in answer.text  # the key the caller sent is not repeated


def test_a_model_must_be_sent_as_xml(api, designer):
    problem(designer.post("/api/models/one_step/versions", json={"xml": "no"}), 422)


def test_an_oversized_model_is_refused_before_it_is_read(api, designer):
    big = b"<a>" + b" " * (api.settings.max_bpmn_bytes + 1) + b"</a>"
    problem(designer.post("/api/models/big/versions", content=big, headers=XML), 413)


def test_an_oversized_json_body_is_refused(api):
    huge = {"data": {"summary": "x" * (api.settings.web.max_request_bytes + 10)}}
    problem(api.integrator("anna").post("/api/tasks/1/complete", json=huge), 413)


def test_a_body_that_is_not_json_is_a_bad_request(api):
    answer = api.integrator("anna").post(
        "/api/tasks/1/complete", content=b"{not json", headers={"content-type": "application/json"}
    )
    problem(answer, 400)


def test_start_data_with_a_serializer_type_tag_starts_nothing(api):
    before = counts(api.db)
    answer = api.integrator("anna").post(
        "/api/instances",
        json={
            "model": "handoff",
            "client": {"reference": "C-9", "municipality": "barsby"},
            "data": {"x": {"typename": "nonexistent"}},
        },
    )
    problem(answer, 422)
    assert counts(api.db) == before


def test_a_script_that_never_ends_is_stopped_and_starts_nothing(api, designer):
    data = (TESTS / "bpmn" / "sandbox_endless.bpmn").read_bytes()
    assert (
        designer.post("/api/models/sandbox_endless/versions", content=data, headers=XML).status_code
        == 201
    )
    before = counts(api.db)
    answer = api.integrator("anna").post(
        "/api/instances",
        json={"model": "sandbox_endless", "client": {"reference": "C-8", "municipality": "barsby"}},
    )
    problem(answer, 422)
    assert counts(api.db) == before
    assert api.integrator("anna").get("/api/tasks").status_code == 200  # still serving


def test_form_data_the_schema_forbids_is_refused_without_echoing_it(api, caplog):
    caseworker = api.integrator("anna")
    task = caseworker.get("/api/tasks").json()[0]
    before = counts(api.db)
    with caplog.at_level(logging.INFO):
        answer = caseworker.post(
            f"/api/tasks/{task['id']}/complete",
            json={"data": {"summary": MARKER, "jobseeker": "yes", "extra": MARKER}},
        )
    body = problem(answer, 422)
    assert len(body["errors"]) >= 2
    assert counts(api.db) == before
    formatter = JsonFormatter()
    assert not [r for r in caplog.records if MARKER in formatter.format(r)]


def test_unknown_routes_and_methods_answer_as_problems(api):
    client = api.integrator("anna")
    problem(client.get(f"/api/nothing-here/{MARKER}"), 404)
    problem(client.delete("/api/tasks"), 405)
    problem(client.get("/api/tasks/999999"), 404)


def test_completing_a_task_twice_is_a_conflict(api):
    client = api.integrator("anna")
    task = client.get("/api/tasks").json()[0]
    done = {"data": {"summary": "ok", "jobseeker": True}}
    assert client.post(f"/api/tasks/{task['id']}/complete", json=done).status_code == 200
    problem(client.post(f"/api/tasks/{task['id']}/complete", json=done), 409)


def test_a_message_nobody_waits_for_is_a_conflict(api):
    client = api.integrator("anna")
    case = client.get("/api/tasks").json()[0]["instance_id"]
    problem(client.post(f"/api/instances/{case}/messages/no_such_message", json={}), 409)


def test_a_nul_character_is_refused_and_stores_nothing(api):
    before = counts(api.db)
    login = api.anonymous().post("/api/session", json={"login": "an\u0000na", "password": "x" * 12})
    problem(login, 422)
    client = api.integrator("anna")
    start = client.post(
        "/api/instances",
        json={
            "model": "handoff",
            "client": {"reference": "C-4", "municipality": "barsby"},
            "data": {"note": "a\u0000b"},
        },
    )
    problem(start, 422)
    assert counts(api.db) == before
