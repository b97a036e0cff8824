"""Reopening a completed step over HTTP, as the demo people."""

from __future__ import annotations

import pytest

from pathways.people import service as people
from tests import factories
from tests.record.cases import ASSESSMENT, task_id

pytestmark = pytest.mark.usefixtures("frozen_clock")
REASON = {"reason": "The client's situation changed"}


@pytest.fixture
def case(api):
    with api.db.tx() as s:
        people.create_user(s, login="kaisa", organisation="westland-wbc", roles=["manager"])
        factories.deploy(s, api.settings, "reopen")
        case_id = factories.start(s, api.settings, "reopen_case", reference="R-1").id
    assessment = task_id(api.db, case_id, "assessment")
    done = api.integrator("ville").post(
        f"/api/tasks/{assessment}/complete", json={"data": ASSESSMENT}
    )
    assert done.status_code == 200, done.text
    return case_id, assessment


def test_a_manager_reopens_the_step_and_its_history_and_the_timeline_show_it(api, case):
    case_id, assessment = case
    county = task_id(api.db, case_id, "county")
    answer = api.integrator("maija").post(f"/api/tasks/{assessment}/reopen", json=REASON)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["reopened_by"], answer.json()["reason"]) == ("maija", REASON["reason"])

    ville = api.integrator("ville")
    step = ville.get(f"/api/tasks/{assessment}").json()
    assert (step["state"], step["reopenable"]) == ("open", True)
    (history,) = step["reopenings"]
    assert history["previous"] == ASSESSMENT and history["reopened_by"] == "maija"
    timeline = ville.get(f"/api/instances/{case_id}").json()["timeline"]
    assert "task.reopened" in [e["action"] for e in timeline]
    # The county sees its step went away but not the county request's earlier values.
    helmi = api.integrator("helmi").get(f"/api/tasks/{county}").json()
    assert helmi["state"] == "cancelled" and helmi["reopenings"] == []

    again = ville.post(f"/api/tasks/{assessment}/complete", json={"data": ASSESSMENT})
    assert again.status_code == 200, again.text
    assert [t["bpmn_id"] for t in again.json()["opened"]] == ["county"]


@pytest.mark.parametrize("login", ["ville", "kaisa", "helmi"])
def test_caseworkers_and_other_organisations_managers_may_not(api, case, login):
    _, assessment = case
    refused = api.integrator(login).post(f"/api/tasks/{assessment}/reopen", json=REASON)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_a_step_the_model_does_not_declare_reopenable_answers_409(api, case):
    case_id, _ = case
    county = task_id(api.db, case_id, "county")
    done = api.integrator("helmi").post(
        f"/api/tasks/{county}/complete", json={"data": {"services": "Social work"}}
    )
    assert done.status_code == 200, done.text
    # The county's own step: its manager would be refused by the model, the hand-off
    # back to the employment area by the county having acted.
    for tid in (county, case[1]):
        refused = api.integrator("kaisa" if tid == county else "maija").post(
            f"/api/tasks/{tid}/reopen", json={"reason": "<script>x</script>"}
        )
        assert refused.status_code == 409
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "<script>" not in refused.text
    assert (
        "does not let"
        in api.integrator("kaisa").post(f"/api/tasks/{county}/reopen", json=REASON).json()["detail"]
    )


def test_a_reason_is_required_and_short(api, case):
    _, assessment = case
    maija = api.integrator("maija")
    assert maija.post(f"/api/tasks/{assessment}/reopen", json={}).status_code == 422
    long = maija.post(f"/api/tasks/{assessment}/reopen", json={"reason": "x" * 501})
    assert long.status_code == 422
