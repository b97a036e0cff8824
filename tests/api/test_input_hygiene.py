"""Input hygiene at the edge: identifiers match whole strings, NUL characters and lone
surrogates are refused (422) wherever a caller can put a string, no problem repeats a
name the caller sent, and every refusal of a known caller is in the audit log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from pathways.audit.models import AuditEvent
from pathways.cases.models import Client, ProcessInstance
from tests.api.test_permissions import ids
from tests.model_xml import one_step

JSON = {"content-type": "application/json"}
ECHO = "qq7echo"  # a well-formed name that exists nowhere


def is_problem(answer, status):
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return answer.json()


def rows(db) -> tuple[int, int, int]:
    with db.tx() as s:
        return (
            s.scalar(select(func.count()).select_from(Client)),
            s.scalar(select(func.count()).select_from(ProcessInstance)),
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action != "access.refused")
            ),
        )


def start_body(**data_fields: object) -> dict:
    return {
        "model": "handoff",
        "client": {"reference": "C-40", "municipality": "barsby"},
        "data": data_fields,
    }


def raw(document: dict, lone: str) -> bytes:
    """The document as JSON text with `"<lone>"` spelt as the escape of a lone surrogate
    (no encoder writes one: it is not text)."""
    return json.dumps(document).replace("LONE", lone).encode()


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(start_body(note="a\u0000b")).encode(),
        json.dumps(start_body(**{"k\u0000": 1})).encode(),
        json.dumps(start_body(note=["fine", {"deep": ["x\u0000"]}])).encode(),
        raw(start_body(note="LONE"), "\\ud800"),
        raw(start_body(note="LONE"), "x\\udfff"),
        raw(start_body(**{"LONE": 1}), "\\udc00"),
        json.dumps(
            {"model": "handoff", "client": {"reference": "C-4\u0000", "municipality": "barsby"}}
        ).encode(),
    ],
    ids=["nul", "nul-key", "nul-deep", "lone-high", "lone-low", "lone-key", "nul-reference"],
)
def test_a_json_body_with_nul_or_a_lone_surrogate_is_refused_and_stores_nothing(api, body):
    before = rows(api.db)
    answer = api.integrator("anna").post("/api/instances", content=body, headers=JSON)
    assert "NUL character or an unpaired surrogate" in is_problem(answer, 422)["detail"]
    assert rows(api.db) == before


def test_a_surrogate_pair_is_text_and_accepted(api):
    body = raw(start_body(note="LONE"), "\\ud83d\\ude00")  # an escaped emoji
    answer = api.integrator("anna").post("/api/instances", content=body, headers=JSON)
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/tasks?model=a%00b"),
        ("GET", "/api/tasks?model=%ED%A0%80"),  # a surrogate, encoded as UTF-8 cannot hold it
        ("GET", "/api/tasks?model=%FF"),  # not UTF-8 at all
        ("GET", "/api/tasks?a%00=1"),
        ("GET", "/api/models/a%00b"),
        ("GET", "/api/models/a%ED%A0%80b"),
        ("GET", "/api/models/a%FFb"),
        ("POST", "/api/instances/1/messages/a%00b"),
    ],
)
def test_a_path_or_query_with_nul_or_a_lone_surrogate_is_refused(api, method, path):
    answer = api.integrator("anna").request(method, path, json={})
    is_problem(answer, 422)


def test_every_json_body_is_checked_not_only_case_data(api):
    _, task, _ = ids(api.db)
    anna = api.integrator("anna")
    form = raw({"data": {"summary": "LONE", "jobseeker": True}}, "\\ud800")
    is_problem(anna.post(f"/api/tasks/{task}/complete", content=form, headers=JSON), 422)
    login = {"login": "anna\u0000", "password": "x" * 12}
    is_problem(api.anonymous().post("/api/session", json=login), 422)
    assert anna.get(f"/api/tasks/{task}").json()["state"] == "open"


def test_a_page_form_with_nul_is_refused(api):
    answer = api.anonymous().post(
        "/login",
        content=b"login=anna%00&password=whatever",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    is_problem(answer, 422)


@pytest.mark.parametrize("reference", ["C-41\n", "C-41\r\n", "\nC-41", "C-41 "])
def test_a_client_reference_matches_as_a_whole(api, reference):
    body = {"model": "handoff", "client": {"reference": reference, "municipality": "barsby"}}
    before = rows(api.db)
    is_problem(api.integrator("anna").post("/api/instances", json=body), 422)
    assert rows(api.db) == before


def test_a_language_matches_as_a_whole(api):
    body = {
        "model": "handoff",
        "client": {"reference": "C-42", "municipality": "barsby", "contact_language": "fi\n"},
    }
    is_problem(api.integrator("anna").post("/api/instances", json=body), 422)


def test_a_request_id_is_kept_only_when_it_is_well_formed_as_a_whole(api):
    anna = api.integrator("anna")
    kept = anna.get("/api/tasks", headers={"X-Request-ID": "abcdefgh-1234"})
    assert kept.headers["x-request-id"] == "abcdefgh-1234"
    replaced = anna.get("/api/tasks", headers={"X-Request-ID": "abcdefgh-1234 x"})
    assert replaced.headers["x-request-id"] != "abcdefgh-1234 x"


def echoing_requests(case: int) -> list[tuple[str, str, dict]]:
    new = {"reference": "C-43", "municipality": "barsby"}
    return [
        ("POST", "/api/instances", {"json": {"model": ECHO, "client": new}}),
        (
            "POST",
            "/api/instances",
            {"json": {"model": "handoff", "client": new, "team": {"municipality": ECHO}}},
        ),  # noqa: E501
        (
            "POST",
            "/api/instances",
            {"json": {"model": "handoff", "client": new, "team": {ECHO: "barsby"}}},
        ),  # noqa: E501
        (
            "POST",
            "/api/instances",
            {"json": {"model": "handoff", "client": new | {"municipality": ECHO}}},
        ),  # noqa: E501
        ("POST", "/api/instances", {"json": {"model": "handoff", "client": new | {ECHO: 1}}}),
        (
            "POST",
            "/api/instances",
            {"json": {"model": "handoff", "client": new, "team": {ECHO: 5}}},
        ),  # noqa: E501
        ("POST", "/api/instances", {"json": {"model": "handoff", "client": new, ECHO: 1}}),
        ("POST", f"/api/instances/{case}/messages/{ECHO}", {"json": {}}),
        ("GET", f"/api/models/{ECHO}", {}),
        ("GET", f"/api/forms/{ECHO}.schema.json", {}),
        ("GET", "/api/dashboard/overdue", {"params": {"model": ECHO}}),
        ("GET", "/api/dashboard/overdue", {"params": {"organisation": ECHO}}),
    ]


def test_no_problem_repeats_a_name_the_caller_sent(api):
    case, _, _ = ids(api.db)
    callers = {"anna": api.integrator("anna"), "admin": api.integrator("admin")}
    seen = []
    for method, path, kwargs in echoing_requests(case):
        for login, client in callers.items():
            answer = client.request(method, path, **kwargs)
            assert answer.status_code >= 400, (login, method, path, answer.text)
            seen.append(answer.status_code)
            assert ECHO not in answer.text, (login, method, path, answer.text)
    assert {404, 409, 422} <= set(seen)


def test_a_model_upload_refused_by_its_key_does_not_repeat_it(api):
    xml = one_step(process_id="mine")
    answer = api.integrator("dana").post(
        f"/api/models/{ECHO}/versions", content=xml, headers={"content-type": "application/xml"}
    )
    is_problem(answer, 422)
    assert ECHO not in answer.text


def refusals(api) -> list[dict]:
    answer = api.integrator("admin").get("/api/audit", params={"action": "access.refused"})
    assert answer.status_code == 200, answer.text
    return [{"actor": e["actor"], **e["details"]} for e in answer.json()]


def test_refused_attempts_on_client_data_are_audited(api):
    case, task, _ = ids(api.db)
    olli = api.integrator("olli")
    assert olli.get(f"/api/instances/{case}").status_code == 403
    assert olli.post(f"/api/tasks/{task}/claim").status_code == 403
    assert olli.post(f"/api/tasks/{task}/complete", json={"data": {}}).status_code == 403
    assert api.integrator("dana").get(f"/api/tasks/{task}").status_code == 403
    assert sorted(refusals(api), key=lambda r: (r["actor"], r["route"])) == [
        {
            "actor": "dana",
            "route": "GET /api/tasks/{task_id}",
            "object": {"task_id": task},
            "outcome": "refused (403)",
        },
        {
            "actor": "olli",
            "route": "GET /api/instances/{instance_id}",
            "object": {"instance_id": case},
            "outcome": "refused (403)",
        },
        {
            "actor": "olli",
            "route": "POST /api/tasks/{task_id}/claim",
            "object": {"task_id": task},
            "outcome": "refused (403)",
        },
        {
            "actor": "olli",
            "route": "POST /api/tasks/{task_id}/complete",
            "object": {"task_id": task},
            "outcome": "refused (403)",
        },
    ]


def test_a_refusal_leaves_only_its_audit_entry(api):
    case, _, _ = ids(api.db)
    before = rows(api.db)
    assert api.integrator("otto").post(f"/api/instances/{case}/cancel").status_code == 403
    assert rows(api.db) == before
    assert [r["route"] for r in refusals(api)] == ["POST /api/instances/{instance_id}/cancel"]


def test_a_caller_that_is_not_known_leaves_no_refusal_entry(api):
    case, _, _ = ids(api.db)
    assert api.anonymous().get(f"/api/instances/{case}").status_code == 401
    assert refusals(api) == []
