"""Correlated messages over real HTTP: the envelope body, the body that is the payload
alone, and a 422 problem naming the property when the value is missing."""

from __future__ import annotations

import pytest

from tests.runtime.correlated_model import APPLICATION, CORRELATED
from tests.runtime.twin import PathwaysRun

DECISION = {"application_id": APPLICATION, "granted": True}


@pytest.fixture
def waiting(api, frozen_clock):
    return PathwaysRun(api.db, api.settings, frozen_clock, seeded=True).start(CORRELATED)


def test_the_envelope_body_delivers_with_its_correlation(api, waiting):
    anna = api.integrator("anna")
    body = {"correlation": {"application_id": APPLICATION}, "payload": DECISION}
    answer = anna.post(f"/api/instances/{waiting.case_id}/messages/decision", json=body)
    assert answer.status_code == 200, answer.text
    assert [t["bpmn_id"] for t in answer.json()["opened"]] == ["inform"]


def test_a_body_that_is_the_payload_alone_still_delivers(api, waiting):
    anna = api.integrator("anna")
    answer = anna.post(f"/api/instances/{waiting.case_id}/messages/decision", json=DECISION)
    assert answer.status_code == 200, answer.text


def test_without_the_correlation_value_the_answer_is_a_422_problem(api, waiting):
    anna = api.integrator("anna")
    answer = anna.post(
        f"/api/instances/{waiting.case_id}/messages/decision", json={"granted": True}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "'application_id'" in answer.json()["detail"]
    assert waiting.open_tasks("inform") == []
