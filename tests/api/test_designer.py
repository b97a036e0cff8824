"""What a process designer does over HTTP: save without overwriting a colleague, see
problems on their elements, deploy and retire versions, compare them, move running
cases to a new version, and dry-run a model.

The seeded hand-off model (version 1) has case C-1 at guidance in Barsby and C-2 at
guidance in Ostby."""

from __future__ import annotations

from sqlalchemy import select

from pathways.audit.models import AuditEvent
from pathways.cases.models import Client, ProcessInstance
from pathways.deadlines.models import Timer, TimerState
from tests import factories
from tests.handoff_versions import broken, without_interview

XML = {"Content-Type": "application/xml"}
GUIDED = {"data": {"summary": "services explained", "jobseeker": True}}


def case(db, reference):
    with db.tx() as s:
        return s.scalar(select(ProcessInstance).join(Client).where(Client.reference == reference))


def save(client, data, etag=None, deploy=False):
    headers = dict(XML) | ({"If-Match": etag} if etag else {})
    return client.post(
        "/api/models/handoff/versions",
        content=data,
        headers=headers,
        params={"deploy": str(deploy).lower()},
    )


def test_saving_over_a_colleagues_save_is_refused_with_412(api):
    dana = api.browser("dana")
    loaded = dana.get("/api/models/handoff/versions/1/bpmn")
    assert loaded.status_code == 200 and loaded.headers["ETag"].startswith('"')
    first = save(dana, without_interview(), loaded.headers["ETag"])
    assert first.status_code == 201, first.text
    assert first.headers["ETag"] != loaded.headers["ETag"]

    stale = save(dana, broken(), loaded.headers["ETag"])
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert "version 2" in stale.json()["detail"]

    fresh = save(dana, broken(), first.headers["ETag"])
    assert fresh.status_code == 201
    # The second save overwrote the draft: one draft, version 2.
    versions = dana.get("/api/models/handoff").json()["versions"]
    assert [(v["number"], v["state"]) for v in versions] == [(1, "deployed"), (2, "draft")]


def test_saving_a_draft_again_overwrites_it_and_deploying_makes_it_the_next_version(api):
    dana = api.integrator("dana")
    first = save(dana, broken())
    second = save(dana, without_interview(), first.headers["ETag"])
    assert second.status_code == 201, second.text
    assert first.json()[0]["version"] == second.json()[0]["version"] == 2
    draft = dana.get("/api/models/handoff").json()["versions"][-1]
    assert draft["state"] == "draft" and draft["saved_by"] == "dana"
    assert draft["saved_at"] >= draft["created_at"]
    xml = dana.get("/api/models/handoff/versions/2/bpmn").content
    assert xml == without_interview()

    assert dana.post("/api/models/handoff/versions/2/deploy").status_code == 200
    save(dana, broken())
    versions = dana.get("/api/models/handoff").json()["versions"]
    assert [(v["number"], v["state"]) for v in versions] == [
        (1, "deployed"),
        (2, "deployed"),
        (3, "draft"),
    ]


def test_each_version_says_how_many_cases_run_on_it(api):
    versions = api.integrator("dana").get("/api/models/handoff").json()["versions"]
    assert [(v["number"], v["running"]) for v in versions] == [(1, 2)]


def test_a_draft_with_problems_is_kept_and_its_problems_name_their_elements(api):
    dana = api.integrator("dana")
    answer = save(dana, broken())
    assert answer.status_code == 201
    saved = answer.json()[0]
    assert saved["state"] == "draft"
    assert saved["problems"] == [
        {
            "element_id": "welcome",
            "message": "dueIn 'soon' is not an ISO 8601 duration such as P14D",
            "text": "dueIn 'soon' ei ole ISO 8601 -kesto, kuten P14D",  # Finnish by default
        }
    ]
    listed = dana.get(f"/api/models/handoff/versions/{saved['version']}/problems").json()
    assert listed == saved["problems"]

    refused = dana.post(f"/api/models/handoff/versions/{saved['version']}/deploy")
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["element_id"] == "welcome"


def test_a_fixed_draft_deploys_new_cases_use_it_and_running_cases_stay(api):
    dana = api.integrator("dana")
    draft = save(dana, without_interview()).json()[0]
    assert draft["problems"] == []
    assert dana.get("/api/models/handoff").json()["versions"][-1]["state"] == "draft"

    deployed = dana.post(f"/api/models/handoff/versions/{draft['version']}/deploy")
    assert deployed.status_code == 200 and deployed.json()["state"] == "deployed"

    with api.db.tx() as s:
        new = factories.start(s, api.settings, "handoff", reference="C-3")
        assert new.version.number == 2
        assert factories.open_task(s, new.id, "welcome")
    assert case(api.db, "C-1").version.number == 1


def test_a_retired_version_starts_no_case_and_its_cases_go_on(api):
    dana = api.integrator("dana")
    save(dana, without_interview(), deploy=True)
    retired = dana.post("/api/models/handoff/versions/2/retire")
    assert retired.status_code == 200 and retired.json()["state"] == "retired"
    with api.db.tx() as s:
        assert factories.start(s, api.settings, "handoff", reference="C-3").version.number == 1
    assert api.integrator("dana").post("/api/models/handoff/versions/1/retire").status_code == 200
    started = api.integrator("anna").post(
        "/api/instances",
        json={"model": "handoff", "client": {"reference": "C-4", "municipality": "barsby"}},
    )
    assert started.status_code == 404
    assert case(api.db, "C-1").state == "running"


def test_only_designers_and_admins_deploy_retire_and_migrate(api):
    save(api.integrator("dana"), without_interview())
    for login in ("anna", "mari"):
        who = api.integrator(login)
        assert who.post("/api/models/handoff/versions/2/deploy").status_code == 403
        assert who.post("/api/models/handoff/versions/1/retire").status_code == 403
        assert who.get("/api/models/handoff/versions/1/migration?to=2").status_code == 403
    assert api.integrator("admin").post("/api/models/handoff/versions/2/deploy").status_code == 200


def test_the_diff_names_added_removed_and_changed_elements(api):
    dana = api.integrator("dana")
    save(dana, without_interview())
    diff = dana.get("/api/models/handoff/diff", params={"from": 1, "to": 2}).json()
    assert [e["id"] for e in diff["added"]] == ["welcome"]
    assert [e["id"] for e in diff["removed"]] == ["interview"]
    assert "guidance" not in [e["id"] for e in diff["removed"]]


def test_migration_preview_says_which_cases_can_move_and_why_others_cannot(api):
    with api.db.tx() as s:
        at_interview = factories.open_task(s, case(api.db, "C-1").id, "guidance")
    completed = api.integrator("anna").post(f"/api/tasks/{at_interview.id}/complete", json=GUIDED)
    assert completed.status_code == 200, completed.text
    dana = api.integrator("dana")
    save(dana, without_interview(), deploy=True)
    preview = dana.get("/api/models/handoff/versions/1/migration", params={"to": 2}).json()
    by_client = {row["client"]: row for row in preview}
    assert by_client["C-2"]["movable"] is True
    assert by_client["C-1"]["movable"] is False
    assert "interview" in by_client["C-1"]["reason"]
    assert by_client["C-1"]["reason"].startswith("it is at 'Initial interview' (interview)")
    # No Accept-Language: the pages' language, Finnish, with the model's names as they are.
    assert by_client["C-1"]["reason_text"].startswith(
        "se on vaiheessa 'Initial interview' (interview), jota uudessa versiossa ei ole"
    )
    swedish = dana.get(
        "/api/models/handoff/versions/1/migration",
        params={"to": 2},
        headers={"Accept-Language": "sv"},
    ).json()
    assert {r["client"]: r["reason_text"] for r in swedish}["C-1"].startswith("det är vid")

    refused = dana.post(
        "/api/models/handoff/versions/1/migration",
        json={"to": 2, "cases": [by_client["C-1"]["instance_id"]]},
        headers={"Accept-Language": "sv"},
    )
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith(f"case {by_client['C-1']['instance_id']} cannot")
    assert refused.json()["text"].startswith(
        f"ärende {by_client['C-1']['instance_id']} kan inte flyttas: det är vid"
    )


def test_moving_cases_to_a_draft_is_refused_in_the_callers_language(api):
    dana = api.integrator("dana")
    save(dana, without_interview())
    refused = dana.get(
        "/api/models/handoff/versions/1/migration",
        params={"to": 2},
        headers={"Accept-Language": "fi"},
    )
    assert refused.status_code == 409
    assert refused.json()["detail"] == ("cases move only to a deployed version; version 2 is draft")
    assert refused.json()["text"] == (
        "asioita voi siirtää vain käytössä olevaan versioon; versio 2 on luonnos"
    )


def test_a_migrated_case_keeps_its_deadline_and_continues_on_the_new_version(api):
    dana = api.integrator("dana")
    save(dana, without_interview(), deploy=True)
    c2 = case(api.db, "C-2")
    with api.db.tx() as s:
        before = s.scalars(select(Timer).where(Timer.instance_id == c2.id)).all()
    moved = dana.post("/api/models/handoff/versions/1/migration", json={"to": 2, "cases": [c2.id]})
    assert moved.status_code == 200, moved.text
    assert moved.json() == [{"instance_id": c2.id, "version": 2}]
    assert case(api.db, "C-2").version.number == 2
    assert case(api.db, "C-1").version.number == 1
    with api.db.tx() as s:
        after = s.scalars(select(Timer).where(Timer.instance_id == c2.id)).all()
        audit = s.scalars(
            select(AuditEvent).where(
                AuditEvent.instance_id == c2.id, AuditEvent.action == "case.migrated"
            )
        ).all()
        guidance = factories.open_task(s, c2.id, "guidance")
    assert [(t.bpmn_id, t.due_at, t.state) for t in after] == [
        (t.bpmn_id, t.due_at, TimerState.WAITING) for t in before
    ]
    assert len(audit) == 1 and audit[0].details == {"model": "handoff", "from": 1, "to": 2}

    done = api.integrator("olli").post(f"/api/tasks/{guidance.id}/complete", json=GUIDED)
    assert done.status_code == 200, done.text
    # Version 1 would now wait for the interview; version 2 ends after guidance.
    assert case(api.db, "C-2").state == "completed"


def test_a_dry_run_shows_the_path_and_when_each_deadline_falls_due(api):
    dana = api.integrator("dana")
    run = dana.post(
        "/api/models/handoff/versions/1/dry-run",
        json={
            "start": "2026-11-23T07:00:00Z",
            "answers": {
                "guidance": {"data": GUIDED["data"], "after": "P4D"},
                "interview": {"after": "P1D"},
            },
        },
    )
    assert run.status_code == 200, run.text
    body = run.json()
    assert body["finished"] is True, body
    path = [p["element_id"] for p in body["path"]]
    assert path[0] == "start" and path[-1] == "done"
    assert path.index("guidance") < path.index("interview")
    assert "escalate" in path  # the deadline passed before guidance was done
    (late,) = body["timers"]
    assert late["element_id"] == "guidance_late"
    assert late["due_at"].startswith("2026-11-26T07:00:00")
    assert late["outcome"] == "fired"
    steps = {s["element_id"]: s for s in body["steps"]}
    assert steps["interview"]["ready_at"].startswith("2026-11-27T07:00:00")
    assert steps["interview"]["due_at"].startswith("2026-12-07T07:00:00")
    with api.db.tx() as s:
        assert (
            s.scalar(select(ProcessInstance).join(Client).where(Client.reference == "C-3")) is None
        )


def test_the_forms_list_names_the_schema_files_with_titles_in_the_callers_language(api):
    dana = api.integrator("dana")
    forms = {f["name"]: f for f in dana.get("/api/forms").json()}
    assert forms["guidance.schema.json"] == {
        "name": "guidance.schema.json",
        "title": "Guidance and advice",
        "text": "Ohjaus ja neuvonta",  # no Accept-Language: the pages' language, Finnish
        "ui": "guidance.uischema.json",
    }
    swedish = dana.get("/api/forms", headers={"Accept-Language": "sv"}).json()
    assert {f["name"]: f["text"] for f in swedish}[
        "guidance.schema.json"
    ] == "Handledning och rådgivning"


def test_a_changed_due_time_shows_the_step_as_changed(api):
    dana = api.integrator("dana")
    later = (
        factories.BPMN.joinpath("handoff.bpmn")
        .read_bytes()
        .replace(b'name="dueInWorkingDays" value="5"', b'name="dueInWorkingDays" value="7"')
    )
    assert save(dana, later).status_code == 201
    diff = dana.get("/api/models/handoff/diff", params={"from": 1, "to": 2}).json()
    assert diff["added"] == [] and diff["removed"] == []
    assert [(e["id"], e["settings"]) for e in diff["changed"]] == [("guidance", ["extensions"])]


def test_a_dry_run_that_fails_in_a_script_says_where_and_why_and_is_not_finished(api):
    with api.db.tx() as s:
        factories.deploy(s, api.settings, "sandbox_broken")
    run = api.integrator("dana").post("/api/models/sandbox_broken/versions/1/dry-run", json={})
    assert run.status_code == 200, run.text
    body = run.json()
    assert body["finished"] is False
    assert body["stop_kind"] == "error"
    assert body["stopped_at"] == ["broken"]
    assert "NameError" in body["stopped"]
    path = [p["element_id"] for p in body["path"]]
    assert path[0] == "start" and "done" not in path


def test_a_dry_run_that_waits_for_a_message_says_where_it_waits(api):
    with api.db.tx() as s:
        factories.deploy(s, api.settings, "log_scenario")
    answers = {"guidance": {"data": {"summary": "explained", "note": "by phone"}}}
    run = api.integrator("dana").post(
        "/api/models/log_scenario/versions/1/dry-run", json={"answers": answers}
    )
    assert run.status_code == 200, run.text
    body = run.json()
    assert body["finished"] is False
    assert body["stop_kind"] == "waiting"
    assert body["stopped_at"] == ["registered"]
