"""A date rule broken over HTTP: 422 problem+json naming the field by its title, never the
value sent; the task stays open. Deploying a form whose rule cannot be enforced fails."""

from __future__ import annotations

from datetime import timedelta

from pathways import clock
from pathways.people.actors import Actor
from pathways.processes import service as processes
from tests import factories
from tests.model_xml import one_step


def dated_task(api) -> int:
    with api.db.tx() as s:
        model = one_step(form="training-dates.schema.json", process_id="dated")
        processes.deploy(s, data=model, actor=Actor.operator(), settings=api.settings)
        case = factories.start(s, api.settings, "dated", reference="R-1")
        return factories.open_task(s, case.id, "work").id


def test_an_end_before_its_start_is_refused_with_422_and_the_task_stays_open(api):
    task_id = dated_task(api)
    anna = api.integrator("anna")
    sent = {"started_on": "2026-11-02", "ended_on": "2026-11-01"}
    refused = anna.post(f"/api/tasks/{task_id}/complete", json={"data": sent})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"] == ["Ended on: must be after Started on"]
    assert "2026-11-01" not in refused.text
    assert anna.get(f"/api/tasks/{task_id}").json()["state"] == "open"
    done = anna.post(
        f"/api/tasks/{task_id}/complete",
        json={"data": {"started_on": "2026-11-02", "ended_on": "2026-11-20"}},
    )
    assert done.status_code == 200, done.text


def test_a_day_in_the_future_is_refused(api):
    task_id = dated_task(api)
    tomorrow = clock.local(clock.now()).date() + timedelta(days=1)
    sent = {"started_on": tomorrow.isoformat()}
    refused = api.integrator("anna").post(f"/api/tasks/{task_id}/complete", json={"data": sent})
    assert refused.status_code == 422
    assert refused.json()["errors"] == ["Started on: cannot be in the future"]


def test_a_model_whose_form_has_a_misspelt_rule_is_not_deployed(api):
    model = one_step(form="misspelt-rule.schema.json", process_id="misspelt")
    refused = api.integrator("dana").post(
        "/api/models/misspelt/versions", content=model, headers={"content-type": "application/xml"}
    )
    assert refused.status_code == 422
    (problem,) = refused.json()["problems"]
    assert problem["element_id"] == "work"
    assert "unknown keyword x-not-afer" in problem["message"]
