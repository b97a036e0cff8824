"""Permission comes before state: someone who may not touch a task or a case gets the
same refusal whatever state it is in (open, claimed, completed, cancelled), never a
conflict that tells who claimed it or that it is done. And a start may not borrow
another municipality's client or rewrite it.

Barsby's cases C-10..C-13 are in four states; the outsiders are olli (caseworker,
Ostby), otto (manager, Eastland employment area), dana (designer, Barsby) and, for the
municipality's own tasks, ville (caseworker, Westland employment area, in the case
team but not the task's organisation).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pathways.cases.models import Client
from tests import factories
from tests.api.test_permissions import case_id

GUIDED = {"data": {"summary": "Explained the services", "jobseeker": True}}
STATES = ("open", "claimed", "completed", "cancelled")


def cases_in_every_state(api) -> dict[str, tuple[int, int]]:
    """state → (case, its guidance task) of four Barsby cases."""
    made = {}
    with api.db.tx() as s:
        for n, state in enumerate(STATES):
            case = factories.start(s, api.settings, "handoff", reference=f"C-1{n}")
            made[state] = case.id
    found = {}
    for state, case in made.items():
        with api.db.tx() as s:
            task = factories.open_task(s, case, "guidance").id
        found[state] = (case, task)
    anna, mari = api.integrator("anna"), api.integrator("mari")
    assert anna.post(f"/api/tasks/{found['claimed'][1]}/claim").status_code == 200
    done = anna.post(f"/api/tasks/{found['completed'][1]}/complete", json=GUIDED)
    assert done.status_code == 200, done.text
    assert mari.post(f"/api/instances/{found['cancelled'][0]}/cancel").status_code == 200
    return found


TASK_ROUTES = [
    ("GET", "/api/tasks/{task}", None),
    ("POST", "/api/tasks/{task}/claim", None),
    ("POST", "/api/tasks/{task}/release", None),
    ("POST", "/api/tasks/{task}/assign", {"assignee": "bea"}),
    ("POST", "/api/tasks/{task}/complete", GUIDED),
    ("POST", "/api/tasks/{task}/reopen", {"reason": "done again"}),
]
CASE_ROUTES = [
    ("GET", "/api/instances/{case}", None),
    ("POST", "/api/instances/{case}/messages/registered_as_jobseeker", {}),
    ("POST", "/api/instances/{case}/cancel", None),
]
TASK_OUTSIDERS = ("olli", "otto", "dana", "ville")
CASE_OUTSIDERS = ("olli", "otto", "dana")


def answers(api, login, method, template, body, objects) -> dict[str, tuple[int, str]]:
    client = api.integrator(login)
    seen = {}
    for state, (case, task) in objects.items():
        path = template.format(case=case, task=task)
        answer = client.request(method, path, json=body)
        seen[state] = (answer.status_code, answer.json().get("detail", ""))
    return seen


def test_outsiders_get_one_refusal_whatever_the_state_of_the_task_or_case(api):
    objects = cases_in_every_state(api)
    table = [(login, *route) for route in TASK_ROUTES for login in TASK_OUTSIDERS] + [
        (login, *route) for route in CASE_ROUTES for login in CASE_OUTSIDERS
    ]
    for login, method, template, body in table:
        seen = answers(api, login, method, template, body, objects)
        statuses = {status for status, _ in seen.values()}
        details = {detail for _, detail in seen.values()}
        assert len(statuses) == 1 and statuses <= {403, 404}, (login, method, template, seen)
        assert len(details) == 1, (login, method, template, seen)
        assert "anna" not in next(iter(details)), (login, template, seen)


def test_the_tasks_own_organisation_is_told_the_state(api):
    objects = cases_in_every_state(api)
    bea = api.integrator("bea")
    claimed = bea.post(f"/api/tasks/{objects['claimed'][1]}/claim")
    assert claimed.status_code == 409 and "anna" in claimed.json()["detail"]
    done = bea.post(f"/api/tasks/{objects['completed'][1]}/claim")
    assert done.status_code == 409 and "completed" in done.json()["detail"]


def start(api, login, reference, municipality, team=None, **languages):
    body = {
        "model": "handoff",
        "client": {"reference": reference, "municipality": municipality, **languages},
        "duplicate": "confirmed",  # these starts are about permissions, not second cases
    }
    if team is not None:
        body["team"] = team
    return api.integrator(login).post("/api/instances", json=body)


@pytest.mark.parametrize(
    ("login", "team", "status"),
    [
        # anna works for Barsby: naming Barsby as the municipality of an Ostby client
        ("anna", {"municipality": "barsby"}, 422),
        # an employment area that does not cover Ostby, and is not the caller's own
        ("anna", {"employment_area": "westland-ea"}, 403),
        ("olli", {"employment_area": "westland-ea"}, 403),
        # ville's own organisation, yet it does not cover Ostby: he may name it...
        ("ville", {"employment_area": "westland-ea"}, 201),
        # ...the organisations that serve Ostby may be named by its caseworker
        ("olli", {"employment_area": "eastland-ea", "wellbeing_county": "eastland-wbc"}, 201),
        ("olli", None, 201),
    ],
)
def test_a_start_names_only_the_callers_own_or_serving_organisations(api, login, team, status):
    answer = start(api, login, "C-50", "ostby", team)
    assert answer.status_code == status, answer.text
    if status == 201:
        assert answer.json()["team"]["municipality"] == "ostby"


def test_a_reference_in_use_in_another_municipality_is_another_client(api):
    # C-2 is Ostby's client; in Barsby the same reference is a new client, and the answer
    # is the one any new reference gets: nothing tells that Ostby has a C-2.
    fresh = start(api, "anna", "C-51", "barsby", contact_language="fi")
    taken = start(api, "anna", "C-2", "barsby", contact_language="fi")
    assert (fresh.status_code, taken.status_code) == (201, 201), taken.text
    assert set(fresh.json()) == set(taken.json())
    with api.db.tx() as s:
        ostby = s.scalar(
            select(Client).where(Client.reference == "C-2", Client.municipality == "ostby")
        )
        assert ostby is not None and ostby.contact_language == "ar"
        assert case_id(s, "C-2") is not None


def test_an_existing_client_is_changed_only_by_an_organisation_serving_their_municipality(api):
    # tuomas's third-sector organisation may name itself into an Ostby client's team, but
    # does not serve Ostby: he may start a case, not rewrite the client's languages.
    own = {"third_sector": "barsby-forum"}
    refused = start(api, "tuomas", "C-2", "ostby", own, contact_language="fi")
    assert refused.status_code == 403, refused.text
    assert start(api, "tuomas", "C-2", "ostby", own).status_code == 201
    changed = start(api, "olli", "C-2", "ostby", contact_language="sv")
    assert changed.status_code == 201, changed.text
    with api.db.tx() as s:
        client = s.scalar(select(Client).where(Client.reference == "C-2"))
        assert client is not None and client.contact_language == "sv"
