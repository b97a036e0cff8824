"""Finding cases again over HTTP: filters, paging, sorting, totals, the client's page, and
nothing of another municipality's cases for its neighbours.

Seeded (tests/api/conftest.py): C-1 in Barsby and C-2 in Ostby wait for guidance. Here we
add C-10 (Barsby, finished), c-11 (Barsby, cancelled) and D-1 (Barsby, running), each
started a day apart.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pathways import clock
from pathways.cases import service as cases
from pathways.people.actors import Actor
from pathways.tasks import service as tasks
from tests import factories

DAY1 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def more_cases(api):
    """C-10 finished, c-11 cancelled, D-1 running, started on days 1, 2 and 3."""
    db, settings = api.db, api.settings
    with db.tx() as s, clock.pinned(DAY1):
        finished = factories.start(s, settings, "handoff", reference="C-10")
    with db.tx() as s, clock.pinned(DAY1 + timedelta(hours=2)):
        for bpmn_id, login, data in (
            ("guidance", "anna", {"summary": "Explained the services", "jobseeker": True}),
            ("interview", "ville", {}),
        ):
            task = factories.open_task(s, finished.id, bpmn_id)
            tasks.complete(
                s, task_id=task.id, data=data, actor=factories.actor(s, login), settings=settings
            )
    with db.tx() as s, clock.pinned(DAY1 + timedelta(days=1)):
        cancelled = factories.start(s, settings, "handoff", reference="c-11")
        cases.cancel(s, instance_id=cancelled.id, actor=Actor.operator(), settings=settings)
    with db.tx() as s, clock.pinned(DAY1 + timedelta(days=2)):
        factories.start(s, settings, "handoff", reference="D-1")


def found(answer):
    assert answer.status_code == 200, answer.text
    return [case["client"] for case in answer.json()["items"]]


def test_a_reference_prefix_finds_cases_whatever_the_case_of_its_letters(api):
    more_cases(api)
    anna = api.integrator("anna")
    assert sorted(found(anna.get("/api/instances", params={"reference": "c-1"}))) == [
        "C-1",
        "C-10",
        "c-11",
    ]
    assert found(anna.get("/api/instances", params={"reference": "D"})) == ["D-1"]
    assert found(anna.get("/api/instances", params={"reference": "c_1"})) == []


def test_finished_and_cancelled_cases_are_found_by_their_state(api):
    more_cases(api)
    anna = api.integrator("anna")
    assert found(anna.get("/api/instances", params={"state": "finished"})) == ["C-10"]
    assert found(anna.get("/api/instances", params={"state": "cancelled"})) == ["c-11"]
    running = found(anna.get("/api/instances", params={"state": "running"}))
    assert sorted(running) == ["C-1", "D-1"]
    assert anna.get("/api/instances", params={"state": "lost"}).status_code == 422


def test_cases_are_found_by_open_step_pathway_and_organisation(api):
    more_cases(api)
    admin = api.integrator("admin")
    at_guidance = found(admin.get("/api/instances", params={"step": "guidance"}))
    assert sorted(at_guidance) == ["C-1", "C-2", "D-1"]
    assert found(admin.get("/api/instances", params={"step": "interview"})) == []
    assert len(found(admin.get("/api/instances", params={"model": "handoff"}))) == 5
    assert found(admin.get("/api/instances", params={"model": "nothing"})) == []
    ostby = found(admin.get("/api/instances", params={"organisation": "eastland-ea"}))
    assert ostby == ["C-2"]


def test_cases_are_found_by_when_they_opened_and_finished(api):
    more_cases(api)
    anna = api.integrator("anna")
    opened = {"started_from": "2026-11-03T00:00:00Z", "started_to": "2026-11-04T12:00:00+02:00"}
    assert found(anna.get("/api/instances", params=opened)) == ["D-1", "c-11"]
    ended = {"ended_from": "2026-11-02T09:00:00Z", "ended_to": "2026-11-02T11:00:00Z"}
    assert found(anna.get("/api/instances", params=ended)) == ["C-10"]


def test_pages_of_cases_carry_the_total_and_follow_the_chosen_order(api):
    more_cases(api)
    anna = api.integrator("anna")
    params = {"reference": "c", "sort": "reference", "limit": 2}
    first = anna.get("/api/instances", params=params).json()
    second = anna.get("/api/instances", params={**params, "offset": 2}).json()
    assert first["total"] == second["total"] == 3
    assert [c["client"] for c in first["items"] + second["items"]] == ["C-1", "C-10", "c-11"]
    newest = found(anna.get("/api/instances", params={"sort": "-started_at", "limit": 1}))
    oldest = found(anna.get("/api/instances", params={"sort": "started_at", "limit": 1}))
    assert newest == ["C-1"] and oldest == ["C-10"]
    assert anna.get("/api/instances", params={"sort": "name"}).status_code == 422
    assert anna.get("/api/instances", params={"limit": 0}).status_code == 422


def test_each_person_finds_only_the_cases_their_organisation_serves(api):
    more_cases(api)
    seen = {}
    for login in ("anna", "mari", "olli", "ville", "otto", "dana", "admin"):
        answer = api.integrator(login).get("/api/instances", params={"limit": 200})
        seen[login] = sorted(found(answer)) if answer.status_code == 200 else answer.status_code
    barsby = ["C-1", "C-10", "D-1", "c-11"]
    assert seen == {
        "anna": barsby,
        "mari": barsby,
        "olli": ["C-2"],
        "ville": barsby,
        "otto": ["C-2"],
        "dana": 403,
        "admin": sorted([*barsby, "C-2"]),
    }


def test_another_municipalitys_caseworker_learns_nothing_by_filtering(api):
    more_cases(api)
    olli = api.integrator("olli")
    for params in ({"reference": "C-1"}, {"organisation": "barsby"}, {"state": "finished"}):
        answer = olli.get("/api/instances", params=params)
        assert answer.json() == {"total": 0, "limit": 50, "offset": 0, "items": []}


def test_the_client_page_lists_the_clients_cases_for_those_who_may_see_them(api):
    with api.db.tx() as s:
        factories.deploy(s, api.settings, "intake")
        factories.start(s, api.settings, "intake", reference="C-1")
    answer = api.integrator("anna").get("/api/clients/c-1")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["reference"] == "C-1" and body["municipality"] == "barsby"
    assert sorted(c["model"] for c in body["cases"]) == ["handoff", "intake"]
    assert body["cases"][0]["open_steps"][0]["bpmn_id"] == "guidance"


def test_a_client_served_elsewhere_is_not_found_as_if_it_did_not_exist(api):
    olli = api.integrator("olli")
    hidden = olli.get("/api/clients/C-1")
    missing = olli.get("/api/clients/NOBODY")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"]
    assert api.integrator("dana").get("/api/clients/C-1").status_code == 403


def test_searching_is_audited_with_the_cases_it_showed(api):
    anna = api.integrator("anna")
    anna.get("/api/instances", params={"reference": "C-1"}, headers={"X-Purpose": "review"})
    events = api.integrator("admin").get("/api/audit", params={"action": "case.searched"})
    (event,) = events.json()
    assert event["actor"] == "anna" and event["details"]["purpose"] == "review"
    assert len(event["details"]["shown"]) == 1


def test_a_second_running_case_of_a_pathway_for_a_client_needs_confirming(api):
    anna = api.integrator("anna")
    body = {"model": "handoff", "client": {"reference": "C-1", "municipality": "barsby"}}
    refused = anna.post("/api/instances", json=body)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["reason"] == "duplicate"
    assert "handoff" not in refused.json()["detail"]  # the caller's words are not repeated
    assert found(anna.get("/api/instances", params={"reference": "C-1"})) == ["C-1"]
    started = anna.post("/api/instances", json={**body, "duplicate": "confirmed"})
    assert started.status_code == 201, started.text
    assert len(found(anna.get("/api/instances", params={"reference": "C-1"}))) == 2
    assert anna.post("/api/instances", json={**body, "duplicate": "yes"}).status_code == 422


def test_a_new_case_after_the_last_one_ended_needs_no_confirmation(api):
    admin, anna = api.integrator("admin"), api.integrator("anna")
    (first,) = found_ids(anna.get("/api/instances", params={"reference": "C-1"}))
    assert admin.post(f"/api/instances/{first}/cancel").status_code == 200
    body = {"model": "handoff", "client": {"reference": "C-1", "municipality": "barsby"}}
    assert anna.post("/api/instances", json=body).status_code == 201


def found_ids(answer):
    assert answer.status_code == 200, answer.text
    return [case["id"] for case in answer.json()["items"]]
