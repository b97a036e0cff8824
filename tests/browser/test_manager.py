"""A manager's main job in Chromium: narrow the dashboard by a person's name, follow a
count to the tasks behind it, and hand one of them to a colleague after confirming; at
phone and desktop widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from tests import factories
from tests.browser.conftest import ARTIFACTS, log_in
from tests.conftest import ONE_BACKEND

pytestmark = ONE_BACKEND


def _anna_holds_the_barsby_task(live) -> int:
    with live.db.tx() as s:
        mari = factories.actor(s, "mari")
        task = s.scalars(
            select(Task)
            .where(Task.state == "open", Task.organisation_id == mari.user.organisation_id)
            .order_by(Task.id)
        ).first()
        tasks.assign(s, task_id=task.id, assignee="anna", actor=mari)
        return task.id


@pytest.mark.parametrize("width", [375, 1280])
def test_a_manager_follows_a_count_to_its_tasks_and_reassigns_one(page, live, width):
    task_id = _anna_holds_the_barsby_task(live)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live, login="mari", path="/dashboard")
    page.get_by_label("Assignee").select_option(label="Anna Aalto")
    page.get_by_role("button", name="Show").click()
    workload = page.locator("#workload")
    expect(workload).to_contain_text("Anna Aalto")
    page.screenshot(path=str(ARTIFACTS / f"manager-dashboard-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.locator("#totals [data-total=open] a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open tasks")
    expect(page.locator("#view-tasks tbody tr")).to_have_count(1)
    expect(page.locator("#task-count")).to_have_text("1 task")
    page.screenshot(path=str(ARTIFACTS / f"manager-tasks-{width}.png"), full_page=True)

    page.locator("#view-tasks").get_by_role("link", name="Reassign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reassign the task")
    page.get_by_label("New assignee").select_option("bea")
    page.screenshot(path=str(ARTIFACTS / f"manager-reassign-{width}.png"), full_page=True)
    page.get_by_role("button", name="Confirm and reassign").click()
    expect(page.get_by_role("status")).to_have_text("The tasks were reassigned.")
    expect(page.locator("#view-tasks tbody tr")).to_have_count(0)  # no longer Anna's
    with live.db.tx() as s:
        assert s.get(Task, task_id).assignee.login == "bea"
