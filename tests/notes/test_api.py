"""Notes and attachments over the live HTTP API: upload, sniffing, size limit, download
headers, storage by content hash, immutability and the audit of every read."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from pathways.audit.models import AuditEvent
from tests import factories
from tests.notes import files
from tests.notes.conftest import MAX_BYTES

ACCEPTED = [
    ("report.pdf", files.PDF, "application/pdf"),
    ("scan.png", files.PNG, "image/png"),
    ("photo.JPG", files.JPEG, "image/jpeg"),
    (
        "plan.docx",
        files.DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "budget.xlsx",
        files.XLSX,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("letter.odt", files.ODT, "application/vnd.oasis.opendocument.text"),
    ("table.ods", files.ODS, "application/vnd.oasis.opendocument.spreadsheet"),
]


def _upload(client, case_id, name, content, declared="application/octet-stream", **form):
    return client.post(
        f"/api/instances/{case_id}/attachments",
        data=form,
        files={"file": (name, content, declared)},
    )


def _events(api, action):
    with api.db.tx() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize(("name", "content", "media_type"), ACCEPTED)
def test_each_accepted_type_is_stored_by_its_hash_and_typed_by_its_bytes(
    api, case, name, content, media_type
):
    case_id, _steps = case
    answer = _upload(api.integrator("anna"), case_id, name, content)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    sha256 = hashlib.sha256(content).hexdigest()
    assert body["media_type"] == media_type  # the sender said octet-stream
    assert body["sha256"] == sha256 and body["size"] == len(content)
    stored = api.settings.attachments.folder / sha256[:2] / sha256
    assert stored.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [
        ("page.html", files.HTML, 415),  # not an accepted type at all
        ("page.pdf", files.HTML, 415),  # a name does not make it a PDF
        ("archive.docx", files.PLAIN_ZIP, 415),  # a ZIP without a document inside
        ("macros.docx", files.DOCM, 415),  # a macro-enabled document under a plain name
        ("scan.png", files.PDF, 422),  # a PDF under an image's name
        ("report", files.PDF, 422),  # no extension
        ("empty.pdf", b"", 422),
    ],
)
def test_files_that_are_not_what_their_name_says_are_refused(api, case, name, content, status):
    case_id, _steps = case
    answer = _upload(api.integrator("anna"), case_id, name, content, "application/pdf")
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert name not in answer.text
    assert not api.settings.attachments.folder.exists() or not any(
        p.is_file() for p in api.settings.attachments.folder.rglob("*")
    )


def test_a_file_over_the_limit_is_refused_with_413(api, case):
    case_id, _steps = case
    client = api.integrator("anna")
    just_over = files.PDF + b"0" * (MAX_BYTES - len(files.PDF) + 1)
    answer = _upload(client, case_id, "big.pdf", just_over)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    far_over = files.PDF + b"0" * (MAX_BYTES * 4)  # stopped by the body limit while reading
    assert _upload(client, case_id, "huge.pdf", far_over).status_code == 413
    at_limit = files.PDF + b"0" * (MAX_BYTES - len(files.PDF))
    assert _upload(client, case_id, "full.pdf", at_limit).status_code == 201


def test_a_download_is_an_attachment_never_shown_inline_and_is_audited(api, case):
    case_id, steps = case
    name = 'Päätös "final"\r\n../../etc/passwd.pdf'
    answer = _upload(
        api.integrator("anna"), case_id, name, files.PDF, task_id=str(steps["guidance"])
    )
    assert answer.status_code == 201, answer.text
    attachment = answer.json()
    assert attachment["filename"] == "passwd.pdf"
    reader = api.integrator("bea")
    download = reader.get(attachment["download"], headers={"X-Purpose": "preparing the plan"})
    assert download.status_code == 200
    assert download.content == files.PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert 'filename="passwd.pdf"' in download.headers["content-disposition"]
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["cache-control"] == "no-store"
    [event] = _events(api, "attachment.read")
    assert event.actor == "bea"
    assert event.instance_id == case_id and event.task_id == steps["guidance"]
    assert event.details == {"attachment": attachment["id"], "purpose": "preparing the plan"}


def test_a_non_ascii_name_is_kept_and_sent_encoded(api, case):
    case_id, _steps = case
    answer = _upload(api.integrator("anna"), case_id, "Lausunto äidinkieli.pdf", files.PDF)
    assert answer.json()["filename"] == "Lausunto äidinkieli.pdf"
    download = api.integrator("anna").get(answer.json()["download"])
    disposition = download.headers["content-disposition"]
    assert "filename*=UTF-8''Lausunto%20%C3%A4idinkieli.pdf" in disposition


def test_the_same_bytes_twice_are_two_attachments_and_one_file(api, case):
    case_id, _steps = case
    client = api.integrator("anna")
    first = _upload(client, case_id, "a.pdf", files.PDF).json()
    second = _upload(client, case_id, "b.pdf", files.PDF).json()
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"]
    stored = [p for p in api.settings.attachments.folder.rglob("*") if p.is_file()]
    assert len(stored) == 1


def test_reading_notes_is_audited_with_its_purpose(api, case):
    case_id, steps = case
    anna = api.integrator("anna")
    written = anna.post(
        f"/api/instances/{case_id}/notes",
        json={"text": "Client prefers mornings.", "task_id": steps["guidance"]},
    ).json()
    assert written["organisation"] == "barsby" and written["audience"] == []
    [added] = _events(api, "note.added")
    assert added.actor == "anna" and added.task_id == steps["guidance"]
    assert "Client prefers" not in str(added.details)  # the log names notes, never their text
    listed = anna.get(
        f"/api/instances/{case_id}/notes",
        params={"task_id": steps["guidance"]},
        headers={"X-Purpose": "weekly review"},
    )
    assert [n["id"] for n in listed.json()] == [written["id"]]
    [read] = _events(api, "notes.read")
    assert read.actor == "anna" and read.instance_id == case_id
    assert read.details["purpose"] == "weekly review"
    assert read.details["notes"] == [written["id"]]


def test_a_note_is_never_changed_a_correction_refers_to_it(api, case):
    case_id, _steps = case
    anna = api.integrator("anna")
    url = f"/api/instances/{case_id}/notes"
    first = anna.post(url, json={"text": "Interview on Monday."}).json()
    for method in ("PUT", "PATCH", "DELETE"):
        assert anna.request(method, f"{url}/{first['id']}").status_code in (404, 405)
    fixed = anna.post(url, json={"text": "Interview on Tuesday.", "corrects": first["id"]})
    assert fixed.status_code == 201
    assert fixed.json()["corrects"] == first["id"]
    assert [n["text"] for n in anna.get(url).json()] == [
        "Interview on Monday.",
        "Interview on Tuesday.",
    ]
    # A correction names a note of this case that its author can see.
    hidden = api.integrator("helmi").post(url, json={"text": "County only."}).json()
    refused = anna.post(url, json={"text": "x", "corrects": hidden["id"]})
    assert refused.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"text": ""},
        {"text": "   "},
        {"text": "x" * 4001},
        {"text": "bell\u0007"},
        {"text": "x", "task_id": 999999},
    ],
)
def test_bad_notes_are_refused_without_echo(api, case, body):
    case_id, _steps = case
    answer = api.integrator("anna").post(f"/api/instances/{case_id}/notes", json=body)
    assert answer.status_code in (404, 422), answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "bell" not in answer.text


def test_a_step_of_another_case_cannot_carry_a_note(api, case):
    case_id, _steps = case
    with api.db.tx() as s:
        other = factories.open_task(s, 1, "guidance").id  # the seeded case C-1
    answer = api.integrator("anna").post(
        f"/api/instances/{case_id}/notes", json={"text": "x", "task_id": other}
    )
    assert answer.status_code == 404


def test_changes_need_a_caller_and_a_session_needs_its_csrf_token(api, case):
    case_id, _steps = case
    url = f"/api/instances/{case_id}/notes"
    assert api.anonymous().get(url).status_code == 401
    assert api.anonymous().post(url, json={"text": "x"}).status_code == 401
    browser = api.browser("anna")
    assert browser.post(url, json={"text": "with token"}).status_code == 201
    del browser.headers["X-CSRF-Token"]
    assert browser.post(url, json={"text": "without"}).status_code == 403
    refused = _upload(browser, case_id, "a.pdf", files.PDF)
    assert refused.status_code == 403
