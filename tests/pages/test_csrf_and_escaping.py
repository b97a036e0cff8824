"""Forms need their CSRF token; HTML in client data and form answers is shown as text."""

from __future__ import annotations

from pathways.people import service as people
from tests import factories
from tests.api.conftest import PASSWORD
from tests.pages.flow import open_task_id, start_three_org_case

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _assignee(site, task_id):
    from pathways.tasks.models import Task

    with site.db.tx() as s:
        task = s.get(Task, task_id)
        return task.assignee.login if task.assignee else None


def test_a_form_post_without_its_csrf_token_is_refused(site):
    case_id = start_three_org_case(site)
    task_id = open_task_id(site, case_id, "guidance")
    browser = site.as_user("anna")
    for data in ({}, {"csrf_token": "forged"}):
        answer = browser.http.post(f"/tasks/{task_id}/claim", data=data)
        assert answer.status_code == 403
        assert "The form has expired" in answer.text
    assert _assignee(site, task_id) is None
    answer = browser.http.post(f"/tasks/{task_id}", data={"action": "complete", "summary": "x"})
    assert answer.status_code == 403

    assert browser.post_form(f"/tasks/{task_id}/claim", {}).status_code == 303
    assert _assignee(site, task_id) == "anna"


def test_another_sessions_token_does_not_open_this_one(site):
    case_id = start_three_org_case(site)
    task_id = open_task_id(site, case_id, "guidance")
    stolen = site.as_user("bea").csrf("/")
    answer = site.as_user("anna").http.post(f"/tasks/{task_id}/claim", data={"csrf_token": stolen})
    assert answer.status_code == 403


def test_the_login_form_needs_the_token_of_its_own_page(site):
    browser = site.browser()
    answer = browser.http.post("/login", data={"login": "anna", "password": PASSWORD})
    assert answer.status_code == 403
    assert "pathways_session" not in answer.cookies


def test_the_api_still_takes_its_csrf_header_and_not_the_form_field(site):
    case_id = start_three_org_case(site)
    task_id = open_task_id(site, case_id, "guidance")
    browser = site.as_user("anna")
    token = browser.csrf("/")
    refused = browser.http.post(f"/api/tasks/{task_id}/claim", data={"csrf_token": token})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    taken = browser.http.post(f"/api/tasks/{task_id}/claim", headers={"X-CSRF-Token": token})
    assert taken.status_code == 200


def test_html_in_form_answers_is_shown_as_text(site):
    case_id = start_three_org_case(site)
    task_id = open_task_id(site, case_id, "guidance")
    browser = site.as_user("anna")
    page = f"/tasks/{task_id}"
    saved = browser.post_form(page, {"action": "save", "summary": HOSTILE}, page=page)
    assert saved.status_code == 303
    shown = browser.get(page).text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in shown
    assert "<script>alert" not in shown
    assert "<img src=x" not in shown


def test_html_in_names_of_people_and_organisations_is_shown_as_text(site):
    with site.db.tx() as s:
        people.create_organisation(s, code="evil", kind="municipality", name=HOSTILE)
        user = people.create_user(s, login="mallory", organisation="evil", roles=["caseworker"])
        user.name = HOSTILE
        user.password_hash = factories.password_hash(PASSWORD)
    shown = site.as_user("mallory").get("/").text
    assert "<script>alert" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
