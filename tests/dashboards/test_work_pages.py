"""The manager's work from the dashboard, over HTTP: every count links to exactly the
tasks it counts; one task, or all of an absent person's open tasks, move to a colleague
after a confirmation, through the services the CLI uses and audited as they are; the
filters offer names, and a value that names nothing is explained on the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from pathways.audit.models import AuditEvent
from pathways.people import service as people
from pathways.people.passwords import hash_password
from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from pathways.web import i18n
from pathways.web.views import due_text
from tests import factories
from tests.api.conftest import PASSWORD
from tests.dashboards.test_pages import site  # noqa: F401 — the fixture, shared
from tests.pages.test_languages import english_left

_COUNT_LINK = re.compile(r'<a href="(/dashboard/tasks\?[^"]+)">([\d\s\xa0]+)</a>')
_LISTED = re.compile(r"<tbody>(.*?)</tbody>", re.S)


def listed(page: str) -> int:
    found = _LISTED.search(page)
    return found.group(1).count("<tr>") if found else 0


@pytest.fixture
def aino(site):  # noqa: F811
    """Anna's colleague at Barsby, and Anna holding three of Barsby's open tasks."""
    with site.db.tx() as s:
        people.create_user(s, login="aino", organisation="barsby", roles=["caseworker"])
        s.flush()
        people.get_user(s, "aino").password_hash = hash_password(PASSWORD)
        mona = factories.actor(s, "mona")
        queue = s.scalars(
            select(Task)
            .where(Task.state == "open", Task.organisation_id == mona.user.organisation_id)
            .order_by(Task.id)
        ).all()
        for task in queue[:3]:
            tasks.assign(s, task_id=task.id, assignee="anna", actor=mona)
        return [t.id for t in queue[:3]]


def holders(site, ids):  # noqa: F811
    with site.db.tx() as s:
        return [s.get(Task, i).assignee.login if s.get(Task, i).assignee else None for i in ids]


def test_every_count_links_to_exactly_the_tasks_it_counts(site, aino):  # noqa: F811
    mona = site.as_user("mona")
    page = mona.get("/dashboard").text
    links = _COUNT_LINK.findall(page)
    assert len(links) >= 6, "totals, rows and workload all link"
    standings = {re.search(r"standing=(\w+)", href).group(1) for href, _ in links}
    assert standings >= {"open", "overdue"}
    assert any("assignee=anna" in href for href, _ in links)  # the workload table's
    for href, shown in links:
        behind = mona.get(unescape(href))
        assert behind.status_code == 200
        assert listed(behind.text) == int(re.sub(r"\D", "", shown)), href


def test_a_manager_reassigns_one_task_after_confirming(site, aino):  # noqa: F811
    mona = site.as_user("mona")
    task_id = aino[0]
    assert f'href="/tasks/{task_id}/reassign"' in mona.get(f"/tasks/{task_id}").text
    form = mona.get(f"/tasks/{task_id}/reassign?next=/dashboard")
    assert "Confirm and reassign" in form.text
    assert '<option value="aino">' in form.text and '<option value="anna">' not in form.text
    assert holders(site, [task_id]) == ["anna"]  # looking is not acting
    done = mona.post_form(
        f"/tasks/{task_id}/reassign",
        {"to": "aino", "next": "/dashboard"},
        page=f"/tasks/{task_id}/reassign",
    )
    assert done.status_code == 303 and done.headers["location"] == "/dashboard?reassigned=1"
    assert holders(site, aino) == ["aino", "anna", "anna"]
    with site.db.tx() as s:
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "task.assigned").order_by(AuditEvent.id)
        ).all()[-1]
        assert (event.actor, event.task_id, event.details["assignee"]) == ("mona", task_id, "aino")


def test_a_manager_moves_all_of_an_absent_persons_tasks(site, aino):  # noqa: F811
    mona = site.as_user("mona")
    dashboard = mona.get("/dashboard").text
    assert 'href="/dashboard/people/anna/reassign?next=' in dashboard
    form = mona.get("/dashboard/people/anna/reassign").text
    assert "3 open tasks move" in form
    done = mona.post_form("/dashboard/people/anna/reassign", {"to": "aino", "next": "/dashboard"})
    assert done.status_code == 303
    assert holders(site, aino) == ["aino"] * 3
    with site.db.tx() as s:
        (summary,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "tasks.reassigned"))
        assert summary.actor == "mona" and sorted(summary.details["tasks"]) == aino


def test_a_colleague_outside_the_organisation_is_refused_on_the_page(site, aino):  # noqa: F811
    mona = site.as_user("mona")
    answer = mona.post_form(f"/tasks/{aino[0]}/reassign", {"to": "olli"})
    assert answer.status_code == 422
    assert "Choose a caseworker of the task&#39;s organisation from the list." in answer.text
    answer = mona.post_form("/dashboard/people/anna/reassign", {"to": "olli"})
    assert answer.status_code == 422
    assert holders(site, aino) == ["anna"] * 3


@pytest.mark.parametrize("login", ["anna", "otto", "dana"])
def test_only_a_manager_of_the_organisation_reassigns(site, aino, login):  # noqa: F811
    person = site.as_user(login)
    for path in (f"/tasks/{aino[0]}/reassign", "/dashboard/people/anna/reassign"):
        assert person.get(path).status_code == 403, path
        assert person.post_form(path, {"to": "aino"}).status_code == 403, path
    assert person.get("/dashboard/people/nobody/reassign").status_code == 403
    assert holders(site, aino) == ["anna"] * 3


def test_the_filters_offer_names_and_explain_a_value_that_names_nothing(site, aino):  # noqa: F811
    mona = site.as_user("mona")
    page = mona.get("/dashboard").text
    assert '<option value="anna">Anna Aalto</option>' in page
    assert re.search(r'<option value="guidance">[^<]+</option>', page)
    for query in ("step=no_such_step", "assignee=nobody"):
        answer = mona.get(f"/dashboard?{query}")
        assert answer.status_code == 422
        assert 'id="filter-problem"' in answer.text and 'class="main-nav"' in answer.text


def test_due_dates_read_as_overdue_by_days_due_today_or_due_in_days():
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # 12:00 in Helsinki
    i18n.activate("en", Path(__file__).parents[1] / "forms")
    assert due_text(now - timedelta(days=1), now) == "Overdue by 1 day"
    assert due_text(now - timedelta(days=3), now) == "Overdue by 3 days"
    assert due_text(now - timedelta(hours=1), now) == "Overdue since today"
    assert due_text(now + timedelta(hours=1), now) == "Due today"
    assert due_text(now + timedelta(days=2), now) == "Due in 2 days"
    assert due_text(None, now) == "No due date"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_managers_pages_speak_the_language(site, aino, language):  # noqa: F811
    mona = site.as_user("mona", language=language)
    for path in (
        "/dashboard",
        "/dashboard/tasks?standing=overdue",
        f"/tasks/{aino[0]}/reassign",
        "/dashboard/people/anna/reassign",
    ):
        assert english_left(mona.get(path).text, language) == [], path
