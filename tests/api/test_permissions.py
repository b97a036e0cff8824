"""Who reaches what: every role of every organisation against every route that shows or
changes a case. Nobody reaches what is not theirs.

People: anna and bea (caseworkers, Barsby), olli (caseworker, Ostby), ville (caseworker,
Westland employment area), mari (manager, Barsby), maija (manager, Westland employment
area), otto (manager, Eastland employment area), dana (designer), admin. Case C-1 is
served by Barsby's team, C-2 by Ostby's; each waits for guidance in its municipality.
"""

from __future__ import annotations

from sqlalchemy import select

from pathways.cases.models import Client, ProcessInstance
from tests import factories
from tests.model_xml import one_step

EVERYONE = ("anna", "bea", "olli", "ville", "mari", "maija", "otto", "dana", "admin")


def ids(db):
    with db.tx() as s:
        barsby = factories.open_task(s, case_id(s, "C-1"), "guidance")
        ostby = factories.open_task(s, case_id(s, "C-2"), "guidance")
        return barsby.instance_id, barsby.id, ostby.id


def case_id(session, reference):
    return session.scalar(
        select(ProcessInstance.id).join(Client).where(Client.reference == reference)
    )


def statuses(api, method, path, people=EVERYONE, **kwargs):
    return {
        login: api.integrator(login).request(method, path, **kwargs).status_code for login in people
    }


def test_each_caseworker_and_manager_lists_only_their_organisations_tasks(api):
    _, barsby_task, ostby_task = ids(api.db)
    seen = {}
    for login in EVERYONE:
        answer = api.integrator(login).get("/api/tasks")
        seen[login] = sorted(t["id"] for t in answer.json()) if answer.status_code == 200 else 403
    assert seen == {
        "anna": [barsby_task],
        "bea": [barsby_task],
        "olli": [ostby_task],
        "ville": [],
        "mari": [barsby_task],
        "maija": [],
        "otto": [],
        "dana": 403,
        "admin": sorted([barsby_task, ostby_task]),
    }


def test_asking_for_another_organisations_queue_shows_nothing_of_it(api):
    answer = api.integrator("anna").get("/api/tasks", params={"organisation": "ostby"})
    assert answer.status_code == 200 and answer.json() == []


def test_task_details_are_read_only_inside_the_tasks_organisation(api):
    _, barsby_task, _ = ids(api.db)
    assert statuses(api, "GET", f"/api/tasks/{barsby_task}") == {
        "anna": 200,
        "bea": 200,
        "olli": 403,
        "ville": 403,
        "mari": 200,
        "maija": 403,
        "otto": 403,
        "dana": 403,
        "admin": 200,
    }


def test_only_caseworkers_of_the_tasks_organisation_claim_it(api):
    _, barsby_task, _ = ids(api.db)
    refused = [p for p in EVERYONE if p not in ("anna", "bea")]
    assert set(statuses(api, "POST", f"/api/tasks/{barsby_task}/claim", refused).values()) == {403}
    assert api.integrator("anna").post(f"/api/tasks/{barsby_task}/claim").status_code == 200


def test_a_claimed_task_is_completed_only_by_its_assignee(api):
    _, barsby_task, _ = ids(api.db)
    api.integrator("anna").post(f"/api/tasks/{barsby_task}/claim")
    body = {"data": {"summary": "Explained the services", "jobseeker": True}}
    refused = [p for p in EVERYONE if p != "anna"]
    outcome = statuses(api, "POST", f"/api/tasks/{barsby_task}/complete", refused, json=body)
    assert set(outcome.values()) == {403}, outcome
    assert (
        api.integrator("anna").post(f"/api/tasks/{barsby_task}/complete", json=body).status_code
        == 200
    )


def test_cases_are_read_by_the_organisations_of_their_team(api):
    case, _, _ = ids(api.db)
    assert statuses(api, "GET", f"/api/instances/{case}") == {
        "anna": 200,
        "bea": 200,
        "olli": 403,
        "ville": 200,
        "mari": 200,
        "maija": 200,
        "otto": 403,
        "dana": 403,
        "admin": 200,
    }


def test_only_administrators_read_the_audit_log_and_manage_people(api):
    expected = dict.fromkeys(EVERYONE, 403) | {"admin": 200}
    assert statuses(api, "GET", "/api/audit") == expected
    assert statuses(api, "GET", "/api/users") == expected


def test_only_designers_and_administrators_deploy_models(api):
    xml = one_step(process_id="permitted")
    headers = {"content-type": "application/xml"}
    refused = [p for p in EVERYONE if p not in ("dana", "admin")]
    outcome = statuses(
        api, "POST", "/api/models/permitted/versions", refused, content=xml, headers=headers
    )
    assert set(outcome.values()) == {403}
    answer = api.integrator("dana").post(
        "/api/models/permitted/versions", content=xml, headers=headers
    )
    assert answer.status_code == 201, answer.text


def test_a_refusal_changes_nothing_and_reads_of_client_data_are_logged(api):
    case, barsby_task, _ = ids(api.db)
    api.integrator("olli").get(f"/api/instances/{case}")
    api.integrator("anna").get(
        f"/api/instances/{case}", headers={"X-Purpose": "preparing the interview"}
    )
    events = api.integrator("admin").get("/api/audit", params={"action": "case.read"}).json()
    assert [(e["actor"], e["details"]["purpose"]) for e in events] == [
        ("anna", "preparing the interview")
    ]
    assert api.integrator("anna").get(f"/api/tasks/{barsby_task}").json()["assignee"] is None
