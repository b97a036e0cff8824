"""The notes panel on the case and task pages, over HTTP as a browser without
JavaScript sends its forms (CSRF token, multipart upload, redirect back)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import seed
from tests.api.live import LiveServer
from tests.notes import files
from tests.notes.conftest import start_case
from tests.pages.conftest import Site


@pytest.fixture
def site(db, settings) -> Iterator[Site]:
    seed(db, settings)
    with LiveServer(settings) as server:
        running = Site(server, db, settings)
        yield running
        running.close()


def test_a_note_and_a_file_added_on_a_step_show_to_the_step_s_organisation(site):
    case_id, steps = start_case(site.db, site.settings)
    anna = site.as_user("anna")
    forum_step = f"/tasks/{steps['peer_support']}"
    assert anna.get(forum_step).status_code == 403  # the forum's step, not Barsby's
    tuomas = site.as_user("tuomas")
    page = tuomas.get(forum_step)
    assert page.status_code == 200 and "No notes you may read." in page.text
    answer = tuomas.post_form(
        f"/cases/{case_id}/notes",
        {
            "text": "Meets the group on Thursdays.",
            "next": forum_step,
            "task_id": steps["peer_support"],
        },
        page=forum_step,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{forum_step}#notes"
    sent = tuomas.http.post(
        f"/cases/{case_id}/attachments",
        data={
            "csrf_token": tuomas.csrf(forum_step),
            "next": forum_step,
            "task_id": str(steps["peer_support"]),
            "audience": "municipality",
        },
        files={"file": ("timetable.png", files.PNG, "image/png")},
    )
    assert sent.status_code == 303, sent.text
    page = tuomas.get(forum_step)
    assert "Meets the group on Thursdays." in page.text
    assert "timetable.png" in page.text
    # The forum shared the file, not the note, with the municipality.
    case_page = anna.get(f"/cases/{case_id}")
    assert "timetable.png" in case_page.text
    assert "Meets the group" not in case_page.text


def test_a_refused_upload_says_why_in_the_page_language(site):
    case_id, _steps = start_case(site.db, site.settings)
    anna = site.as_user("anna", language="fi")
    here = f"/cases/{case_id}"
    answer = anna.http.post(
        f"/cases/{case_id}/attachments",
        data={"csrf_token": anna.csrf(here), "next": here},
        files={"file": ("page.pdf", files.HTML, "application/pdf")},
    )
    assert answer.status_code == 415
    assert "Liitteeksi kelpaavat vain PDF-tiedostot" in answer.text
    assert "alert(1)" not in answer.text


def test_a_page_form_without_its_csrf_token_is_refused(site):
    case_id, _steps = start_case(site.db, site.settings)
    anna = site.as_user("anna")
    answer = anna.http.post(f"/cases/{case_id}/notes", data={"text": "forged"})
    assert answer.status_code == 403
    assert "forged" not in anna.get(f"/cases/{case_id}").text
