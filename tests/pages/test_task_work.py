"""The inbox, the task form and the hand-off, over plain HTTP as a browser without
JavaScript uses them."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from pathways.audit.models import AuditEvent
from pathways.tasks.models import Task, TaskDraft
from tests.pages.flow import complete_on_page, open_task_id, start_three_org_case


def _field_error(html: str, field_id: str) -> str:
    found = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', html)
    assert found, f"no error beside {field_id}"
    return found.group(1)


def test_the_inbox_shows_mine_and_the_queue_sorted_by_due_date_with_counts(site, frozen_clock):
    first = start_three_org_case(site, "P-1")
    start_three_org_case(site, "P-2")
    browser = site.as_user("anna")
    inbox = browser.get("/").text
    assert "Unclaimed: <strong>3</strong>" in inbox  # C-1 of the seed, P-1, P-2
    # The seed started C-1 today; P-1 and P-2 started on the frozen Monday before: due first.
    assert inbox.index(">P-1<") < inbox.index(">P-2<") < inbox.index(">C-1<")

    task_id = open_task_id(site, first, "guidance")
    claimed = browser.post_form(f"/tasks/{task_id}/claim", {"next": "/"})
    assert claimed.headers["location"] == "/"
    inbox = browser.get("/").text
    assert "Mine: <strong>1</strong>" in inbox and "Unclaimed: <strong>2</strong>" in inbox
    assert f'action="/tasks/{task_id}/release"' in inbox

    browser.post_form(f"/tasks/{task_id}/release", {"next": "/"})
    assert "Mine: <strong>0</strong>" in browser.get("/").text


def test_the_inbox_filters_by_client_pathway_step_and_deadline(site, frozen_clock):
    start_three_org_case(site, "P-1")
    browser = site.as_user("anna")
    by_client = browser.get("/?client=P-1").text
    assert "P-1" in by_client and ">C-1<" not in by_client
    by_pathway = browser.get("/?pathway=handoff").text
    assert ">C-1<" in by_pathway and ">P-1<" not in by_pathway
    assert (
        '<option value="handoff" selected>Hand-off between two organisations</option>' in by_pathway
    )
    assert "Unclaimed: <strong>0</strong>" in browser.get("/?step=nothing-like-this").text
    assert "Unclaimed: <strong>0</strong>" in browser.get("/?overdue=true").text
    assert "Unclaimed: <strong>0</strong>" in browser.get("/?due=2026-11-24").text
    assert "Unclaimed: <strong>2</strong>" in browser.get("/?due=2026-12-31").text

    frozen_clock.advance(timedelta(days=8))  # P-1 was due in 5 working days; C-1 not yet
    overdue = site.as_user("anna").get("/?overdue=true").text
    assert "Unclaimed: <strong>1</strong>" in overdue and ">P-1<" in overdue
    assert '<span class="badge overdue">Overdue</span>' in overdue


def test_the_form_shows_errors_beside_the_fields_and_keeps_what_was_typed(site, frozen_clock):
    case_id = start_three_org_case(site)
    browser = site.as_user("anna")
    page = f"/tasks/{open_task_id(site, case_id, 'guidance')}"
    answer = browser.post_form(page, {"action": "complete", "met_on": "2026-11-23"}, page=page)
    assert answer.status_code == 422
    assert _field_error(answer.text, "f-summary") == "Fill in this field."
    assert _field_error(answer.text, "f-jobseeker") == "Fill in this field."
    assert 'value="2026-11-23"' in answer.text
    assert "2 fields need your attention." in answer.text


def test_a_draft_is_kept_until_the_task_is_completed(site, frozen_clock):
    case_id = start_three_org_case(site)
    task_id = open_task_id(site, case_id, "guidance")
    browser = site.as_user("anna")
    page = f"/tasks/{task_id}"
    saved = browser.post_form(page, {"action": "save", "summary": "Half way"}, page=page)
    assert saved.headers["location"] == f"{page}?saved=1"
    again = browser.get(page).text
    assert "Half way</textarea>" in again and "Draft saved" in again
    assert "Half way" not in site.as_user("bea").get(page).text  # drafts are personal

    done = complete_on_page(browser, page, {"summary": "Met", "jobseeker": "true"})
    assert done.status_code == 303
    with site.db.tx() as s:
        assert s.scalars(select(TaskDraft)).all() == []


def test_completing_says_where_the_case_went(site, frozen_clock):
    case_id = start_three_org_case(site)
    browser = site.as_user("anna", language="fi")
    page = f"/tasks/{open_task_id(site, case_id, 'guidance')}"
    done = complete_on_page(browser, page, {"summary": "Met", "jobseeker": "true"})
    plan_id = open_task_id(site, case_id, "plan")
    assert done.headers["location"] == f"{page}?opened={plan_id}"
    shown = browser.get(done.headers["location"]).text
    assert (
        "Asia siirtyi: Länsimaan työllisyysalue, vaihe Kotoutumissuunnitelma, määräpäivä"
        ' <time datetime="2026-12-03T09:00:00+02:00">3.12.2026</time>'
    ) in shown


def test_rows_of_a_repeatable_group_are_added_without_javascript(site, frozen_clock):
    case_id = start_three_org_case(site)
    guidance = f"/tasks/{open_task_id(site, case_id, 'guidance')}"
    complete_on_page(site.as_user("anna"), guidance, {"summary": "Met", "jobseeker": "true"})
    browser = site.as_user("ville")
    page = f"/tasks/{open_task_id(site, case_id, 'plan')}"
    form = {"goals": "Work", "contacts.rows": "0"}
    one = browser.post_form(page, {**form, "action": "add:contacts"}, page=page)
    assert one.status_code == 200
    assert 'name="contacts.0.name"' in one.text and 'name="contacts.rows" value="1"' in one.text
    assert "Work</textarea>" in one.text

    answer = browser.post_form(
        page,
        {
            "action": "complete",
            "agreed_on": "2026-11-23",
            "goals": "Work",
            "study_route": "integration_training",
            "channel": "video",
            "hours_per_week": "twelve",
            "services": ["language_course", "civic_orientation"],
            "obligation_explained": "true",
            "interpreter.present": "1",
            "contacts.rows": "1",
            "contacts.0.role": "Teacher",
        },
        page=page,
    )
    assert answer.status_code == 422
    assert _field_error(answer.text, "f-contacts-0-name") == "Fill in this field."
    assert _field_error(answer.text, "f-hours_per_week").startswith(
        "Enter a value of the right kind"
    )

    done = complete_on_page(
        browser,
        page,
        {
            "agreed_on": "2026-11-23",
            "goals": "Work",
            "study_route": "integration_training",
            "hours_per_week": "12",
            "services": ["language_course"],
            "obligation_explained": "false",
            "interpreter.present": "1",
            "contacts.rows": "1",
            "contacts.0.name": "Aino",
        },
    )
    assert done.status_code == 303
    with site.db.tx() as s:
        plan = s.scalar(select(Task).where(Task.instance_id == case_id, Task.bpmn_id == "plan"))
        assert plan.state == "completed"


def test_the_case_page_shows_the_path_across_organisations_and_logs_the_read(site, frozen_clock):
    case_id = start_three_org_case(site)
    guidance = f"/tasks/{open_task_id(site, case_id, 'guidance')}"
    complete_on_page(site.as_user("anna"), guidance, {"summary": "Met", "jobseeker": "true"})
    shown = site.as_user("ville").get(f"/cases/{case_id}").text
    done = shown[shown.index("Steps done") :]
    assert "Guidance and advice – Barsby, Anna Aalto" in done
    open_now = shown[shown.index("Open now") : shown.index("Upcoming deadlines")]
    assert "Integration plan</a> –" in open_now and "Westland employment area" in open_now
    with site.db.tx() as s:
        reads = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.read", AuditEvent.actor == "ville")
        ).all()
        assert [r.instance_id for r in reads] == [case_id]


def test_a_pathway_is_started_from_the_page(site):
    start_three_org_case(site)
    browser = site.as_user("anna")
    refused = browser.post_form(
        "/cases/new",
        {"pathway": "three_orgs", "reference": "<b>", "municipality": "barsby"},
        page="/cases/new",
    )
    assert refused.status_code == 422
    assert "Check the client reference" in refused.text
    started = browser.post_form(
        "/cases/new",
        {
            "pathway": "three_orgs",
            "reference": "N-7",
            "municipality": "barsby",
            "contact_language": "ar",
            "integration_language": "sv",
        },
        page="/cases/new",
    )
    assert started.status_code == 303
    case = browser.get(started.headers["location"]).text
    assert "Case of N-7" in case and "Guidance and advice" in case


def test_the_case_page_names_each_waiting_deadline_by_its_step(site):
    with site.db.tx() as s:
        case_id = _case_of(s, "C-1")
    shown = site.as_user("anna").get(f"/cases/{case_id}").text
    waiting = shown[shown.index("Upcoming deadlines") : shown.index("Steps done")]
    assert "– Guidance and advice</li>" in waiting


def _case_of(session, reference):
    from pathways.cases.models import Client, ProcessInstance

    return session.scalar(
        select(ProcessInstance.id).join(Client).where(Client.reference == reference)
    )
