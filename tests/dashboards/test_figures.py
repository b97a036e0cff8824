"""The dashboard's figures equal what plain counting over the task table gives."""

from __future__ import annotations

from collections import Counter
from statistics import median

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.audit.models import AuditEvent
from pathways.calendar import finnish_calendar
from pathways.cases.models import ProcessInstance
from pathways.dashboards import durations, service
from pathways.dashboards.filters import DashboardFilter
from pathways.deadlines.status import DeadlineStatus, status_of
from pathways.errors import NotFound, NotPermitted
from pathways.people.actors import Actor
from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from tests import factories

ALL = DashboardFilter()


def every_task(s):
    """(task, organisation code, model key) for every task row, read plainly."""
    found = []
    for task in s.scalars(select(Task)):
        instance = s.get(ProcessInstance, task.instance_id)
        found.append((task, task.organisation.code, instance.version.model.key))
    return found


def counted_by_hand(s, settings, keep=lambda task, org, model: True):
    now = clock.now()
    counts = Counter()
    for task, org, model in every_task(s):
        if task.state != "open" or not keep(task, org, model):
            continue
        key = (org, model, task.bpmn_id, task.name)
        standing = status_of(
            due_at=task.due_at, is_open=True, now=now, window=settings.deadlines.at_risk_window
        )
        counts[(*key, "open")] += 1
        counts[(*key, "at_risk")] += standing == DeadlineStatus.AT_RISK
        counts[(*key, "overdue")] += standing == DeadlineStatus.OVERDUE
    return +counts


def as_counter(rows):
    counts = Counter()
    for r in rows:
        key = (r.organisation, r.model, r.step, r.step_name)
        counts[(*key, "open")] += r.open
        counts[(*key, "at_risk")] += r.at_risk
        counts[(*key, "overdue")] += r.overdue
    return +counts


def test_the_overview_equals_counts_over_the_task_table(db, settings, load):
    with db.tx() as s:
        figures = service.overview(s, actor=Actor.operator(), filters=ALL, settings=settings)
        expected = counted_by_hand(s, settings)
    assert as_counter(figures) == expected
    totals = Counter()
    for key, n in expected.items():
        totals[key[-1]] += n
    assert totals["overdue"] > 0 and totals["at_risk"] > 0 and totals["open"] > totals["overdue"]


def test_filters_narrow_the_overview_as_plain_counting_does(db, settings, load):
    with db.tx() as s:
        for filters, keep in [
            (DashboardFilter(organisation="ostby"), lambda t, org, m: org == "ostby"),
            (DashboardFilter(model="quick"), lambda t, org, m: m == "quick"),
            (DashboardFilter(step="interview"), lambda t, org, m: t.bpmn_id == "interview"),
            (
                DashboardFilter(due_before=load),
                lambda t, org, m: t.due_at is not None and t.due_at < load,
            ),
        ]:
            figures = service.overview(
                s, actor=Actor.operator(), filters=filters, settings=settings
            )
            assert as_counter(figures) == counted_by_hand(s, settings, keep), filters


def test_the_overdue_list_holds_every_overdue_task_longest_first(db, settings, load):
    with db.tx() as s:
        rows = service.overdue_tasks(s, actor=Actor.operator(), filters=ALL)
        expected = sorted(
            (t.due_at, t.id)
            for t, _, _ in every_task(s)
            if t.state == "open" and t.due_at is not None and t.due_at < load
        )
        assert [(r.due_at, r.task_id) for r in rows] == expected
        today = clock.local(load).date()
        for r in rows:
            due = clock.local(r.due_at).date()
            assert r.days_overdue == (today - due).days
            assert r.working_days_overdue == finnish_calendar().working_days_between(due, today)
            assert r.client == s.get(ProcessInstance, r.case_id).client.reference


def test_the_heatmap_counts_open_and_overdue_tasks_per_element(db, settings, load):
    with db.tx() as s:
        heat = service.heatmap(s, actor=Actor.operator(), model="handoff", version=1)
        tasks = [t for t, _, model in every_task(s) if model == "handoff" and t.state == "open"]
    by_step = {h.step: h for h in heat}
    assert set(by_step) == {t.bpmn_id for t in tasks}
    for step, h in by_step.items():
        mine = [t for t in tasks if t.bpmn_id == step]
        assert h.open == len(mine)
        assert h.overdue == sum(t.due_at is not None and t.due_at < load for t in mine)
        waits = sorted((load - t.created_at).total_seconds() for t in mine)
        assert h.median_wait_seconds == pytest.approx(nearest_rank(waits, 50), abs=1)


def nearest_rank(values, percent):
    return sorted(values)[-(-len(values) * percent // 100) - 1]


def test_step_durations_are_nearest_rank_percentiles_of_completed_tasks(db, settings, load):
    with db.tx() as s:
        found = durations.step_durations(s, actor=Actor.operator(), filters=ALL)
        done = [(t, m) for t, _, m in every_task(s) if t.state == "completed"]
    assert found
    for row in found:
        mine = [t for t, m in done if m == row.model and t.bpmn_id == row.step]
        taken = [(t.completed_at - t.created_at).total_seconds() for t in mine]
        allowed = [(t.due_at - t.created_at).total_seconds() for t in mine if t.due_at]
        assert row.completed == len(mine)
        assert row.median_seconds == pytest.approx(nearest_rank(taken, 50), abs=1)
        assert row.p90_seconds == pytest.approx(nearest_rank(taken, 90), abs=1)
        assert row.allowed_seconds == pytest.approx(nearest_rank(allowed, 50), abs=1)
        assert row.late == sum(t.due_at is not None and t.completed_at > t.due_at for t in mine)
        assert median(taken) > 0


def test_step_durations_of_a_recent_period_count_only_its_completions(db, settings, load):
    with db.tx() as s:
        finished = sorted(t.completed_at for t, _, _ in every_task(s) if t.state == "completed")
        since = finished[len(finished) // 2]  # the later half of the completions
        found = durations.step_durations(
            s, actor=Actor.operator(), filters=ALL, completed_after=since
        )
        recent = Counter(
            (m, t.bpmn_id)
            for t, _, m in every_task(s)
            if t.state == "completed" and t.completed_at >= since
        )
    assert {(r.model, r.step): r.completed for r in found} == dict(recent)
    assert 0 < sum(recent.values()) < len(finished)


def test_a_manager_sees_only_their_organisation(db, settings, load):
    with db.tx() as s:
        mona = factories.actor(s, "mona")
        figures = service.overview(s, actor=mona, filters=ALL, settings=settings)
        assert {r.organisation for r in figures} == {"barsby"}
        assert as_counter(figures) == counted_by_hand(
            s, settings, lambda t, org, m: org == "barsby"
        )
        overdue = service.overdue_tasks(s, actor=mona, filters=ALL)
        assert overdue and {r.organisation for r in overdue} == {"barsby"}
        heat = service.heatmap(s, actor=mona, model="handoff", version=1)
        assert {h.step for h in heat} <= {"guidance", "escalate"}


def test_a_manager_asking_for_another_organisation_is_refused(db, settings, load):
    with db.tx() as s, pytest.raises(NotPermitted, match="their own organisation"):
        service.overview(
            s,
            actor=factories.actor(s, "mona"),
            filters=DashboardFilter(organisation="ostby"),
            settings=settings,
        )


@pytest.mark.parametrize("login", ["anna", "dana"])
def test_caseworkers_and_designers_see_no_dashboard(db, settings, load, login):
    with db.tx() as s, pytest.raises(NotPermitted):
        service.overview(s, actor=factories.actor(s, login), filters=ALL, settings=settings)


def test_an_administrator_sees_every_organisation(db, settings, load):
    with db.tx() as s:
        figures = service.overview(
            s, actor=factories.actor(s, "admin"), filters=ALL, settings=settings
        )
        assert as_counter(figures) == counted_by_hand(s, settings)


def test_the_assignee_filter_counts_only_their_tasks(db, settings, load):
    with db.tx() as s:
        mona = factories.actor(s, "mona")
        mine = service.overdue_tasks(s, actor=mona, filters=ALL)[:2]
        for row in mine:
            tasks.assign(s, task_id=row.task_id, assignee="anna", actor=mona)
    with db.tx() as s:
        figures = service.overview(
            s, actor=Actor.operator(), filters=DashboardFilter(assignee="anna"), settings=settings
        )
        anna = factories.actor(s, "anna").user
        assert as_counter(figures) == counted_by_hand(
            s, settings, lambda t, org, m: t.assignee_id == anna.id
        )
        listed = service.overdue_tasks(
            s, actor=Actor.operator(), filters=DashboardFilter(assignee="anna")
        )
        assert sorted(r.task_id for r in listed) == sorted(r.task_id for r in mine)
        assert {r.assignee for r in listed} == {"anna"}


@pytest.mark.parametrize(
    "filters",
    [
        DashboardFilter(organisation="nowhere"),
        DashboardFilter(model="nothing"),
        DashboardFilter(assignee="nobody"),
    ],
)
def test_a_filter_naming_something_unknown_is_not_found(db, settings, load, filters):
    with db.tx() as s, pytest.raises(NotFound):
        service.overview(s, actor=Actor.operator(), filters=filters, settings=settings)


def test_the_heatmap_of_a_version_that_does_not_exist_is_not_found(db, settings, load):
    with db.tx() as s, pytest.raises(NotFound, match="no version 9"):
        service.heatmap(s, actor=Actor.operator(), model="handoff", version=9)


def test_reading_the_overdue_list_is_audited_with_the_cases_shown(db, settings, load):
    with db.tx() as s:
        rows = service.overdue_tasks(s, actor=factories.actor(s, "mona"), filters=ALL)
    with db.tx() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == "dashboard.overdue_read"))
        assert event.actor == "mona"
        assert event.details["cases"] == sorted({r.case_id for r in rows})
