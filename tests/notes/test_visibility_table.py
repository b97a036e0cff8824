"""Who sees which note and attachment, as a table: the demo people (plus a second
region's caseworker) each ask the live API, and see exactly their row.

The case: Barsby's client, served by Barsby, the Westland county and employment area,
the Barsby forum (third sector, step `peer_support`) and the adult education centre
(education provider, step `course`). The ELY Centre does not serve it.
"""

from __future__ import annotations

import pytest

from tests.notes import files

# note label -> (author, step or None, audience)
NOTES = {
    "barsby only": ("anna", None, []),
    "barsby to team": ("anna", None, ["team"]),
    "barsby to forum, on its step": ("anna", "peer_support", ["third_sector"]),
    "barsby to forum, on the case": ("anna", None, ["third_sector"]),
    "barsby to forum, on the college's step": ("anna", "course", ["third_sector"]),
    "forum's own": ("tuomas", "peer_support", []),
    "county to employment area": ("helmi", None, ["employment_area"]),
    "college to team and itself": ("erik", "course", ["team"]),
}

# reader -> the notes they see; None: the case itself is "not found" for them.
SEES: dict[str, set[str] | None] = {
    "anna": {
        "barsby only",
        "barsby to team",
        "barsby to forum, on its step",
        "barsby to forum, on the case",
        "barsby to forum, on the college's step",
        "college to team and itself",
    },
    "bea": {  # another Barsby caseworker: the organisation, not the person, is the author
        "barsby only",
        "barsby to team",
        "barsby to forum, on its step",
        "barsby to forum, on the case",
        "barsby to forum, on the college's step",
        "college to team and itself",
    },
    "ville": {"barsby to team", "county to employment area", "college to team and itself"},
    "maija": {"barsby to team", "county to employment area", "college to team and itself"},
    "helmi": {"barsby to team", "county to employment area", "college to team and itself"},
    "tuomas": {"barsby to forum, on its step", "forum's own"},
    "erik": {"college to team and itself"},
    "admin": set(),  # reads the audit log, not client notes
    "elina": None,  # the ELY Centre does not serve this case
    "dana": None,  # designers read no cases
    "olli": None,  # another region's municipality
}


def _write_all(api, case_id, steps) -> dict[int, str]:
    labels = {}
    for label, (author, step, audience) in NOTES.items():
        body = {"text": label, "audience": audience, "task_id": steps[step] if step else None}
        answer = api.integrator(author).post(f"/api/instances/{case_id}/notes", json=body)
        assert answer.status_code == 201, answer.text
        labels[answer.json()["id"]] = label
    return labels


def test_who_sees_which_note(api, case):
    case_id, steps = case
    _write_all(api, case_id, steps)
    for reader, expected in SEES.items():
        answer = api.integrator(reader).get(f"/api/instances/{case_id}/notes")
        if expected is None:
            assert answer.status_code == 404, reader
            assert answer.headers["content-type"] == "application/problem+json"
            assert "barsby" not in answer.text
            continue
        assert answer.status_code == 200, (reader, answer.text)
        assert {n["text"] for n in answer.json()} == expected, reader


def test_attachments_follow_the_same_rule(api, case):
    case_id, steps = case
    shared = {"task_id": str(steps["peer_support"]), "audience": ["third_sector"]}
    uploads = {
        "to the forum on its step": ("anna", shared),
        "barsby only": ("anna", {}),
        "to the team": ("anna", {"audience": "team"}),
    }
    ids = {}
    for label, (author, form) in uploads.items():
        answer = api.integrator(author).post(
            f"/api/instances/{case_id}/attachments",
            data=form,
            files={"file": (f"{label}.pdf", files.PDF, "application/pdf")},
        )
        assert answer.status_code == 201, answer.text
        ids[label] = answer.json()["id"]
    sees = {
        "anna": set(uploads),
        "ville": {"to the team"},
        "tuomas": {"to the forum on its step"},
        "erik": set(),
        "admin": set(),
    }
    for reader, expected in sees.items():
        client = api.integrator(reader)
        listed = client.get(f"/api/instances/{case_id}/attachments").json()
        assert {a["filename"].removesuffix(".pdf") for a in listed} == expected, reader
        for label, attachment_id in ids.items():
            status = client.get(f"/api/attachments/{attachment_id}").status_code
            assert status == (200 if label in expected else 404), (reader, label)
    for outsider in ("elina", "olli", "dana"):
        assert (
            api.integrator(outsider).get(f"/api/attachments/{ids['to the team']}").status_code
            == 404
        )


@pytest.mark.parametrize("audience", [["everyone"], ["team", "nobody"]])
def test_an_audience_names_the_team_or_organisation_kinds(api, case, audience):
    case_id, _steps = case
    answer = api.integrator("anna").post(
        f"/api/instances/{case_id}/notes", json={"text": "x", "audience": audience}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


FORUM_WITHOUT_CONSENT = {"barsby to forum, on its step", "forum's own"}


@pytest.mark.parametrize(
    ("steps", "with_consent"),
    [
        ([], {"barsby to forum, on the case", "barsby to forum, on the college's step"}),
        (["course"], {"barsby to forum, on the college's step"}),
    ],
)
def test_consent_opens_notes_shared_with_an_outside_organisation_until_withdrawn(
    api, case, steps, with_consent
):
    case_id, task_ids = case
    _write_all(api, case_id, task_ids)

    def forum_sees() -> set[str]:
        answer = api.integrator("tuomas").get(f"/api/instances/{case_id}/notes")
        assert answer.status_code == 200, answer.text
        return {n["text"] for n in answer.json()}

    assert forum_sees() == FORUM_WITHOUT_CONSENT
    given = api.integrator("anna").post(
        f"/api/instances/{case_id}/consents",
        json={
            "kinds": ["third_sector"],
            "steps": steps,
            "given_on": "2026-12-01",
            "method": "in_person",
        },
    )
    assert given.status_code in (200, 201), given.text
    assert forum_sees() == FORUM_WITHOUT_CONSENT | with_consent
    # The college (education provider) is not covered by the forum's consent.
    erik = api.integrator("erik").get(f"/api/instances/{case_id}/notes").json()
    assert {n["text"] for n in erik} == {"college to team and itself"}

    withdrawn = api.integrator("anna").post(
        f"/api/instances/{case_id}/consents/{given.json()['id']}/withdraw", json={}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert forum_sees() == FORUM_WITHOUT_CONSENT
