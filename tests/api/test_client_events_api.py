"""Client events over HTTP: a move answers with the case it opened in the new
municipality, whose queue then holds it; a message the case cannot take is a 409 problem
and a malformed move a 422 one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from tests import factories
from tests.api.conftest import PASSWORD, Api
from tests.api.live import LiveServer
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("frozen_clock")
MOVE = {"municipality": "ostby", "moved_on": "2026-12-01"}


@pytest.fixture
def api(db, settings) -> Iterator[Api]:
    shipped = settings.model_copy(update={"forms_dir": ROOT / "forms"})
    with db.tx() as s:
        factories.team(s)
        people.create_organisation(
            s, code="ostby-college", kind="education_provider", name="Ostby", covers=["ostby"]
        )
        hashed = factories.password_hash(PASSWORD)
        for user in people.list_users(s):
            user.password_hash = hashed
        for name in ("integration-plan", "integration-services", "vulnerable"):
            data = (ROOT / "bpmn" / f"{name}.bpmn").read_bytes()
            processes.deploy(s, data=data, actor=Actor.operator(), settings=shipped)
    with LiveServer(shipped) as server:
        client = Api(server, db, shipped)
        yield client
        client.close()


def problem(answer, status: int) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return answer.json()


def start(anna) -> int:
    client = {"reference": "C-9", "municipality": "barsby", "contact_language": "ar"}
    answer = anna.post("/api/instances", json={"model": "vulnerable", "client": client})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def test_a_move_opens_the_case_in_the_new_municipalitys_queue(api):
    anna, olli = api.integrator("anna"), api.integrator("olli")
    old = start(anna)
    answer = anna.post(f"/api/instances/{old}/messages/moved_away", json=MOVE)
    assert answer.status_code == 200, answer.text
    new = answer.json()["moved_to"]
    assert isinstance(new, int) and answer.json()["opened"] == []
    ended = anna.get(f"/api/instances/{old}").json()
    assert (ended["state"], ended["moved_to"], ended["tasks"][0]["state"]) == (
        "completed",
        new,
        "cancelled",
    )
    queue = olli.get("/api/tasks", params={"organisation": "ostby"}).json()
    assert [(t["instance_id"], t["bpmn_id"]) for t in queue] == [(new, "Task_eligibility")]
    opened = olli.get(f"/api/instances/{new}").json()
    assert (opened["moved_from"], opened["client"]["municipality"]) == (old, "ostby")
    assert opened["client"]["reference"] == "C-9"
    assert anna.get(f"/api/instances/{new}").status_code in (403, 404)  # not Barsby's now
    problem(anna.post(f"/api/instances/{old}/messages/moved_away", json=MOVE), 409)


def test_a_message_the_case_cannot_take_or_a_malformed_move_is_refused(api):
    anna = api.integrator("anna")
    case = start(anna)
    problem(anna.post(f"/api/instances/{case}/messages/registered_as_jobseeker", json={}), 409)
    problem(anna.post(f"/api/instances/{case}/messages/plan_declined", json={}), 409)
    for body in ({}, {"municipality": "nowhere"}, {"municipality": "barsby"}):
        detail = problem(anna.post(f"/api/instances/{case}/messages/moved_away", json=body), 422)
        assert "municipality" in detail["detail"]
    still = anna.get(f"/api/instances/{case}").json()
    assert (still["state"], still["moved_to"]) == ("running", None)
    assert [t["bpmn_id"] for t in still["tasks"] if t["state"] == "open"] == ["Task_eligibility"]


def test_both_case_pages_link_the_move(api):
    anna = api.integrator("anna")
    old = start(anna)
    new = anna.post(f"/api/instances/{old}/messages/moved_away", json=MOVE).json()["moved_to"]
    page = api.browser("anna").get(f"/cases/{old}")
    assert page.status_code == 200
    assert f'href="/cases/{new}"' in page.text
    assert "Asiakas muutti toiseen kuntaan" in page.text  # the timeline names the move (fi)
    there = api.browser("olli").get(f"/cases/{new}")
    assert there.status_code == 200 and f'href="/cases/{old}"' in there.text
