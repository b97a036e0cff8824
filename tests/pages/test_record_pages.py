"""The record on the pages: what others shared for a step, a completed step's answers,
the hand-off sentence, and the consent section of the case page."""

from __future__ import annotations

import pytest

from pathways.tasks import service as tasks
from tests import factories
from tests.pages.flow import complete_on_page
from tests.record.cases import ASSESSMENT, start, task_id

pytestmark = pytest.mark.usefixtures("frozen_clock")


def complete(site, tid, login, data):
    with site.db.tx() as s:
        tasks.complete(
            s, task_id=tid, data=data, actor=factories.actor(s, login), settings=site.settings
        )


def test_the_county_sees_what_the_employment_area_shared_and_nothing_more(site):
    case_id = start(site.db, site.settings)
    complete(site, task_id(site.db, case_id, "assessment"), "ville", ASSESSMENT)
    county = task_id(site.db, case_id, "county")
    page = site.as_user("helmi").get(f"/tasks/{county}").text
    assert "What others shared with you for this step" in page
    assert "Support with housing" in page and "Work as a cook" in page
    assert "Talked about work and family" not in page  # the employment area's own


def test_a_completed_step_shows_its_answers_and_whom_they_were_shared_with(site):
    case_id = start(site.db, site.settings)
    assessment = task_id(site.db, case_id, "assessment")
    ville = site.as_user("ville")
    answer = complete_on_page(
        ville,
        f"/tasks/{assessment}",
        {
            "summary": ASSESSMENT["summary"],
            "county_request": ASSESSMENT["county_request"],
            "goals": ASSESSMENT["goals"],
            "needs_county": "true",
        },
    )
    assert answer.status_code == 303, answer.text
    page = ville.get(answer.headers["location"]).text
    assert "Answers recorded" in page and "Talked about work and family" in page
    # in the form's order where the database keeps it (PostgreSQL's JSONB does not)
    assert any(
        f"Shared with Westland wellbeing services county: {fields}" in page
        for fields in (
            "Request to the wellbeing services county, Goals",
            "Goals, Request to the wellbeing services county",
        )
    )
    assert "Shared with Barsby multicultural forum once the client consents: Goals" in page


def test_the_case_team_records_and_withdraws_consent_on_the_case_page(site):
    case_id = start(site.db, site.settings)
    anna = site.as_user("anna")
    answer = anna.post_form(
        f"/cases/{case_id}/consents",
        {"kinds": "third_sector", "method": "by_interpreter", "given_on": "2026-11-23"},
        page=f"/cases/{case_id}",
    )
    assert answer.status_code == 303
    page = anna.get(f"/cases/{case_id}").text
    assert "Third sector – given on" in page and "Through an interpreter" in page
    future = anna.post_form(
        f"/cases/{case_id}/consents",
        {"kinds": "third_sector", "method": "written", "given_on": "2030-01-01"},
        page=f"/cases/{case_id}",
    )
    assert "consent=invalid" in future.headers["location"]
    tuomas_page = site.as_user("tuomas").get(f"/cases/{case_id}").text
    assert "Record the consent" not in tuomas_page  # only the case team records consent


def test_the_recording_organisation_corrects_a_step_on_its_page_with_a_reason(site):
    case_id = start(site.db, site.settings)
    assessment = task_id(site.db, case_id, "assessment")
    complete(site, assessment, "ville", ASSESSMENT)
    ville = site.as_user("ville")
    form = ville.get(f"/tasks/{assessment}/correct").text
    assert "Work as a cook" in form and "Reason for the correction" in form
    fields = {
        "summary": ASSESSMENT["summary"],
        "county_request": ASSESSMENT["county_request"],
        "goals": "Work as a chef",
        "needs_county": "true",
    }
    no_reason = ville.post_form(
        f"/tasks/{assessment}/correct", fields, page=f"/tasks/{assessment}/correct"
    )
    assert no_reason.status_code == 422 and "Give the reason for the correction." in no_reason.text
    done = ville.post_form(
        f"/tasks/{assessment}/correct",
        {**fields, "correction_reason": "misheard"},
        page=f"/tasks/{assessment}/correct",
    )
    assert done.status_code == 303
    page = ville.get(f"/tasks/{assessment}").text
    assert "Work as a chef" in page and "(corrected)" in page
    assert site.as_user("helmi").get(f"/tasks/{assessment}/correct").status_code == 403


def test_the_consent_form_needs_the_pages_csrf_token(site):
    case_id = start(site.db, site.settings)
    anna = site.as_user("anna")
    forged = {"kinds": "third_sector", "method": "written", "given_on": "2026-11-23"}
    assert anna.http.post(f"/cases/{case_id}/consents", data=forged).status_code == 403
    assert "No consent is recorded" in anna.get(f"/cases/{case_id}").text
