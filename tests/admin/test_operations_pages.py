"""The operations page: administrators see incidents, the timer backlog, the mail queue and
the service's health, and retry or cancel an incident after a confirmation, audited as the
API does it; the figures are the ones `/metrics` publishes. Everyone else gets the 403 page."""

from __future__ import annotations

import re

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from pathways.audit.models import AuditEvent
from pathways.cases.models import ProcessInstance
from pathways.incidents import service as incidents
from pathways.incidents.models import Incident
from pathways.notifications import outbox
from pathways.notifications.delivery import MAX_ATTEMPTS
from tests.pages.test_languages import english_left


def open_incident(site, case_id: int = 1) -> int:
    with site.db.tx() as s:
        incident = incidents.open_incident(
            s, instance_id=case_id, element="after_wait", reason="the script crashed", attempts=3
        )
        assert incident is not None
        return incident.id


def queue_mail(site, *, failed: bool) -> None:
    with site.db.tx() as s:
        mail = outbox.queue(s, kind="digest", recipient="a@example.org", subject="S", body="B")
        if failed:
            mail.attempts, mail.last_error = MAX_ATTEMPTS, "550 mailbox unavailable"


def metric(site, name: str) -> float:
    text = site.browser().get("/metrics").text
    (family,) = [f for f in text_string_to_metric_families(text) if f.name == name]
    return family.samples[0].value


@pytest.mark.parametrize("login", ["anna", "mari", "dana"])
def test_only_administrators_open_the_operations_page_or_act_on_an_incident(site, login):
    incident = open_incident(site)
    person = site.as_user(login)
    for path in ("/operations", f"/operations/incidents/{incident}/retry"):
        answer = person.get(path)
        assert answer.status_code == 403, path
        assert "You cannot open this page" in answer.text and 'class="main-nav"' in answer.text
    for action in ("retry", "cancel"):
        assert person.post_form(f"/operations/incidents/{incident}/{action}", {}).status_code == 403
    with site.db.tx() as s:
        assert s.get(Incident, incident).state == "open"
    assert 'href="/operations"' not in person.get("/").text


def test_an_admin_retries_an_incident_after_confirming_and_it_is_audited(site):
    incident = open_incident(site)
    admin = site.as_user("admin")
    assert 'href="/operations"' in admin.get("/admin").text
    page = admin.get("/operations").text
    assert "after_wait" in page and "the script crashed" in page
    confirm = admin.get(f"/operations/incidents/{incident}/retry")
    assert "Confirm and retry" in confirm.text
    with site.db.tx() as s:
        assert s.get(Incident, incident).state == "open"  # looking is not acting

    done = admin.post_form(
        f"/operations/incidents/{incident}/retry",
        {},
        page=f"/operations/incidents/{incident}/retry",
    )
    assert done.status_code == 303 and done.headers["location"] == "/operations?done=retried"
    after = admin.get(done.headers["location"]).text
    assert "the case&#39;s timers are tried again" in after and "No open incidents." in after
    with site.db.tx() as s:
        assert s.get(Incident, incident).state == "retried"
        actors = s.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "incident.retried")
        ).all()
        assert actors == ["admin"]

    again = admin.post_form(f"/operations/incidents/{incident}/retry", {})
    assert again.status_code == 409
    assert "This incident was handled already" in again.text


def test_an_admin_cancels_an_incident_and_its_case(site):
    incident = open_incident(site)
    admin = site.as_user("admin")
    page = f"/operations/incidents/{incident}/cancel"
    assert "This cannot be undone" in admin.get(page).text
    assert admin.post_form(page, {}, page=page).status_code == 303
    with site.db.tx() as s:
        assert s.get(Incident, incident).state == "cancelled"
        assert s.get(ProcessInstance, 1).state == "cancelled"


def test_a_form_without_the_session_token_changes_nothing(site):
    incident = open_incident(site)
    admin = site.as_user("admin")
    answer = admin.http.post(f"/operations/incidents/{incident}/retry", data={})
    assert answer.status_code == 403
    with site.db.tx() as s:
        assert s.get(Incident, incident).state == "open"


def test_the_mail_queue_shows_what_metrics_count(site):
    queue_mail(site, failed=False)
    queue_mail(site, failed=False)
    queue_mail(site, failed=True)
    page = site.as_user("admin").get("/operations").text
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)", page))
    assert facts["Waiting to be sent"] == "2"
    assert facts["Failed (no more attempts)"] == "1"
    assert "550 mailbox unavailable" in page
    assert metric(site, "pathways_mail_pending") == 3.0  # every unsent mail, as before
    assert metric(site, "pathways_mail_failed") == 1.0


def test_an_unknown_incident_gives_the_not_found_page(site):
    answer = site.as_user("admin").get("/operations/incidents/99999/retry")
    assert answer.status_code == 404
    assert 'class="main-nav"' in answer.text


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_operations_pages_speak_the_language(site, language):
    incident = open_incident(site)
    queue_mail(site, failed=True)
    admin = site.as_user("admin", language=language)
    for path in ("/operations", f"/operations/incidents/{incident}/cancel"):
        assert english_left(admin.get(path).text, language) == [], path
