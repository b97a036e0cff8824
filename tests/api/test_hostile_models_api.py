"""The designer's upload of hostile and malformed BPMN files: each is stored or refused
with a 4xx problem+json listing its problems, never a server error. Real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

HOSTILE_DIR = Path(__file__).parents[1] / "bpmn" / "hostile"
HOSTILE = sorted(HOSTILE_DIR.glob("*.bpmn"))
XML = {"Content-Type": "application/xml"}


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in HOSTILE}


def upload(client, data: bytes, key: str = "hostile"):
    return client.post(
        f"/api/models/{key}/versions", content=data, headers=XML, params={"deploy": "false"}
    )


def test_every_hostile_upload_is_stored_or_refused_with_problems(api, files):
    dana = api.integrator("dana")
    answers = {name: upload(dana, data) for name, data in files.items()}
    assert {name: a.status_code for name, a in answers.items() if a.status_code >= 500} == {}
    for name, answer in answers.items():
        if answer.status_code >= 400:
            assert answer.headers["content-type"] == "application/problem+json", name
            body = answer.json()
            assert body["detail"], name
            assert all(p["message"] for p in body.get("problems", [])), name
    assert answers["xxe-file.bpmn"].status_code == 422
    assert "/etc" not in answers["xxe-file.bpmn"].text


def test_an_upload_lists_every_structural_problem_with_its_element(api, files):
    answer = upload(api.integrator("dana"), files["call-without-called-element.bpmn"])
    assert answer.status_code == 422
    assert answer.json()["problems"] == [
        {
            "element_id": "work",
            "message": "call activity 'Call nothing' (work) names no process to call: set its"
            " called element (calledElement) to the id of a process",
            "text": "kutsuaktiviteetti 'Call nothing' (work) ei nimeä kutsuttavaa prosessia:"
            " aseta sen kutsuttavaksi elementiksi (calledElement) prosessin tunnus",
        }
    ]


def test_an_upload_that_calls_a_process_of_the_same_file_resolves_it(api):
    data = (Path(__file__).parents[1] / "bpmn" / "lead_lane.bpmn").read_bytes()
    answer = upload(api.integrator("dana"), data, key="lead_caller")
    assert answer.status_code == 201, answer.text
    assert [(row["model"], row["problems"]) for row in answer.json()] == [
        ("lead_caller", []),
        ("led_steps", []),
    ]
