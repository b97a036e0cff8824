"""A case stranded by a completion over HTTP shows as an open incident in
`GET /api/incidents`, with the element it waits at and why."""

from __future__ import annotations

from pathways.incidents.opening import STUCK
from tests.runtime.stranded_model import STRANDED
from tests.runtime.twin import PathwaysRun


def test_the_stranded_case_is_listed_with_its_element_and_reason(api, frozen_clock):
    run = PathwaysRun(api.db, api.settings, frozen_clock, seeded=True).start(
        STRANDED, {"go": False}
    )
    (task,) = run.open_tasks("work")
    done = api.integrator("anna").post(f"/api/tasks/{task.id}/complete", json={"data": {}})
    assert done.status_code == 200, done.text
    listed = api.integrator("admin").get("/api/incidents")
    assert listed.status_code == 200, listed.text
    (incident,) = [i for i in listed.json() if i["instance_id"] == run.case_id]
    assert (incident["model"], incident["element"], incident["reason"]) == (
        "stranded",
        "join",
        STUCK,
    )
