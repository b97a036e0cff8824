"""The record over HTTP, as the demo people: hand-off content, answers, consent, corrections,
and the audit of reads."""

from __future__ import annotations

import pytest

from tests.record.cases import ASSESSMENT, COUNTY, start, task_id

pytestmark = pytest.mark.usefixtures("frozen_clock")
CONSENT = {"kinds": ["third_sector"], "given_on": "2026-11-23", "method": "in_person"}


def fields(entries):
    return {a["field"]: a["value"] for e in entries for a in e["answers"]}


def complete(api, login, tid, data):
    answer = api.integrator(login).post(f"/api/tasks/{tid}/complete", json={"data": data})
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def case(api):
    return start(api.db, api.settings)


def test_the_next_organisation_reads_what_was_shared_for_its_step(api, case):
    assessment = task_id(api.db, case, "assessment")
    complete(api, "ville", assessment, ASSESSMENT)
    county = api.integrator("helmi").get(f"/api/tasks/{task_id(api.db, case, 'county')}").json()
    assert fields(county["shared_with_you"]) == {
        "county_request": "Support with housing",
        "goals": "Work as a cook",
    }
    assert county["answers"] is None
    own = api.integrator("ville").get(f"/api/tasks/{assessment}").json()
    assert fields([own["answers"]]) == ASSESSMENT
    shared = {r["organisation"]: r for r in own["shared_by_this_step"]}
    assert sorted(shared["westland-wbc"]["fields"]) == [
        "Goals",
        "Request to the wellbeing services county",
    ]
    assert shared["barsby"]["fields"] == ["Goals"]
    assert shared["barsby-forum"]["waits_for_consent"] is True


def test_a_third_party_sees_its_own_step_until_the_client_consents_and_again_after_withdrawal(
    api, case
):
    complete(api, "ville", task_id(api.db, case, "assessment"), ASSESSMENT)
    complete(api, "helmi", task_id(api.db, case, "county"), COUNTY)
    activity = task_id(api.db, case, "activity")
    tuomas = api.integrator("tuomas")
    shown = tuomas.get(f"/api/instances/{case}").json()
    assert [t["bpmn_id"] for t in shown["tasks"]] == ["activity"]
    assert all(e["task_id"] == activity for e in shown["timeline"])
    assert tuomas.get(f"/api/instances/{case}/record").json() == []
    assert tuomas.get(f"/api/tasks/{activity}").json()["consent_awaited"] == "third_sector"
    refused = tuomas.post(f"/api/tasks/{activity}/claim")
    assert refused.status_code == 409
    assert "consent" in refused.json()["detail"]

    assert tuomas.post(f"/api/instances/{case}/consents", json=CONSENT).status_code == 403
    given = api.integrator("anna").post(f"/api/instances/{case}/consents", json=CONSENT)
    assert given.status_code == 201, given.text
    assert (given.json()["active"], given.json()["recorded_by"]) == (True, "anna")

    assert fields(tuomas.get(f"/api/instances/{case}/record").json()) == {"goals": "Work as a cook"}
    assert len(tuomas.get(f"/api/instances/{case}").json()["tasks"]) == 3
    assert tuomas.get(f"/api/tasks/{activity}").json()["consent_awaited"] is None
    assert tuomas.post(f"/api/tasks/{activity}/claim").status_code == 200

    consent_id = given.json()["id"]
    withdrawn = api.integrator("helmi").post(
        f"/api/instances/{case}/consents/{consent_id}/withdraw"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_on"] == "2026-11-23"
    assert tuomas.get(f"/api/instances/{case}/record").json() == []
    again = api.integrator("helmi").post(f"/api/instances/{case}/consents/{consent_id}/withdraw")
    assert again.status_code == 409
    listed = api.integrator("anna").get(f"/api/instances/{case}/consents").json()
    assert [c["active"] for c in listed] == [False]


def test_consent_that_names_a_team_kind_or_a_wrong_method_is_refused(api, case):
    anna = api.integrator("anna")
    team_kind = anna.post(
        f"/api/instances/{case}/consents", json={**CONSENT, "kinds": ["municipality"]}
    )
    assert team_kind.status_code == 422
    assert team_kind.headers["content-type"].startswith("application/problem+json")
    method = anna.post(f"/api/instances/{case}/consents", json={**CONSENT, "method": "by_phone"})
    assert method.status_code == 422


def test_a_correction_keeps_the_earlier_value_and_others_read_the_corrected_one(api, case):
    assessment = task_id(api.db, case, "assessment")
    complete(api, "ville", assessment, ASSESSMENT)
    body = {"changes": {"goals": "Work as a chef"}, "reason": "misheard"}
    assert (
        api.integrator("helmi").post(f"/api/tasks/{assessment}/corrections", json=body).status_code
        == 403
    )
    answer = api.integrator("ville").post(f"/api/tasks/{assessment}/corrections", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["corrections"][0]["previous"] == {"goals": "Work as a cook"}
    county = api.integrator("helmi").get(f"/api/tasks/{task_id(api.db, case, 'county')}").json()
    [goals] = [a for a in county["shared_with_you"][0]["answers"] if a["field"] == "goals"]
    assert (goals["value"], goals["corrected"]) == ("Work as a chef", True)
    steering = {"changes": {"needs_county": False}, "reason": "wrong box"}
    refused = api.integrator("ville").post(f"/api/tasks/{assessment}/corrections", json=steering)
    assert refused.status_code == 409 and "steered" in refused.json()["detail"]
    no_reason = api.integrator("ville").post(
        f"/api/tasks/{assessment}/corrections", json={"changes": {"goals": "x"}}
    )
    assert no_reason.status_code == 422


def test_reads_of_the_record_are_audited_with_the_purpose_sent(api, case):
    complete(api, "ville", task_id(api.db, case, "assessment"), ASSESSMENT)
    helmi = api.integrator("helmi")
    helmi.get(f"/api/instances/{case}/record", headers={"X-Purpose": "planning the visit"})
    log = api.integrator("admin").get("/api/audit", params={"action": "record.read"}).json()
    latest = log[0]
    assert (latest["actor"], latest["instance_id"]) == ("helmi", case)
    assert latest["details"]["purpose"] == "planning the visit"
    assert latest["details"]["entries"] != []
