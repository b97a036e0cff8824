"""The kept counts the overview reads stay exact through every change and every hour."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import func, select

from pathways import clock
from pathways.cases import migration
from pathways.cases import service as cases
from pathways.dashboards import service
from pathways.dashboards.filters import DashboardFilter
from pathways.db import migrate
from pathways.deadlines.firing import fire_due
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.tasks import counts
from pathways.tasks.models import Task, TaskCount
from tests.dashboards.test_figures import as_counter, counted_by_hand
from tests.handoff_versions import HANDOFF

ALL = DashboardFilter()


def overview(s, settings, filters=ALL):
    return as_counter(
        service.overview(s, actor=Actor.operator(), filters=filters, settings=settings)
    )


def kept_rows(s):
    return Counter(
        {
            (r.organisation_id, r.model_id, r.step, r.step_name, r.due_on): r.n
            for r in s.execute(
                select(
                    TaskCount.organisation_id,
                    TaskCount.model_id,
                    TaskCount.step,
                    TaskCount.step_name,
                    TaskCount.due_on,
                    func.sum(TaskCount.open).label("n"),
                ).group_by(
                    TaskCount.organisation_id,
                    TaskCount.model_id,
                    TaskCount.step,
                    TaskCount.step_name,
                    TaskCount.due_on,
                )
            )
        }
    )


def test_the_overview_is_exact_at_every_hour_as_deadlines_come_and_pass(
    db, settings, load, frozen_clock
):
    seen = Counter()
    for _ in range(4 * 24):
        with db.tx() as s:
            figures = overview(s, settings)
            assert figures == counted_by_hand(s, settings), frozen_clock.moment
        for (*_, kind), n in figures.items():
            seen[kind] += n > 0
        frozen_clock.advance(timedelta(hours=1))
    assert seen["at_risk"] and seen["overdue"]  # the sweep crossed deadlines


@pytest.mark.parametrize("window_hours", [5, 24])
def test_the_overview_is_exact_with_a_window_within_a_day_or_of_a_whole_one(
    db, settings, load, frozen_clock, window_hours
):
    """A short window cuts one day twice; a whole day's ends at the same hour tomorrow (and
    at midnight, cuts nothing)."""
    deadlines = settings.deadlines.model_copy(update={"at_risk_hours": window_hours})
    narrow = settings.model_copy(update={"deadlines": deadlines})
    seen = Counter()
    for _ in range(26):  # hourly, across a midnight
        with db.tx() as s:
            figures = overview(s, narrow)
            assert figures == counted_by_hand(s, narrow), frozen_clock.moment
        for (*_, kind), n in figures.items():
            seen[kind] += n > 0
        frozen_clock.advance(timedelta(hours=1))
    assert seen["at_risk"] and seen["overdue"]


def test_a_narrowed_overview_from_the_counts_equals_plain_counting(db, settings, load):
    with db.tx() as s:
        for filters, keep in [
            (DashboardFilter(organisation="barsby"), lambda t, org, m: org == "barsby"),
            (DashboardFilter(model="handoff"), lambda t, org, m: m == "handoff"),
            (DashboardFilter(step="guidance"), lambda t, org, m: t.bpmn_id == "guidance"),
        ]:
            assert overview(s, settings, filters) == counted_by_hand(s, settings, keep), filters


def test_fired_deadlines_and_cancelled_cases_keep_the_counts_exact(
    db, settings, load, frozen_clock
):
    with db.tx() as s:
        running = [i.id for i in s.scalars(select(cases.ProcessInstance))]
    frozen_clock.advance(timedelta(days=12))  # every deadline of the load has passed
    for instance_id in running:
        with db.tx() as s:
            fire_due(s, instance_id=instance_id, settings=settings)
    for instance_id in running[::3]:
        with db.tx() as s:
            if s.get(cases.ProcessInstance, instance_id).state == "running":
                cases.cancel(s, instance_id=instance_id, actor=Actor.operator(), settings=settings)
    with db.tx() as s:
        assert overview(s, settings) == counted_by_hand(s, settings)


def folded(rows, settled):
    """The kept rows as folding leaves them: the days before `settled` on that day."""
    found = Counter()
    for (*key, day), n in rows.items():
        found[(*key, day if day is None or day >= settled else settled)] += n
    return +found


def test_folding_and_recounting_leave_the_figures_as_they_were(db, settings, load):
    with db.tx() as s:
        before, rows = overview(s, settings), kept_rows(s)
        assert s.scalar(select(func.count()).select_from(TaskCount)) > len(+rows)
    with db.tx() as s:
        counts.compact(s)
    past = folded(rows, counts.settled_day(clock.now()))
    assert len(past) < len(+rows)  # the load's past spans several days
    with db.tx() as s:
        assert s.scalar(select(func.count()).select_from(TaskCount)) == len(past)
        assert kept_rows(s) == past and overview(s, settings) == before
        counts.rebuild(s)
    with db.tx() as s:
        assert kept_rows(s) == +rows and overview(s, settings) == before


def test_folding_puts_the_past_on_one_day_and_the_figures_stay_exact_as_time_passes(
    db, settings, load, frozen_clock
):
    for _ in range(4):
        frozen_clock.advance(timedelta(days=2))
        with db.tx() as s:
            rows = kept_rows(s)
            counts.compact(s)
        settled = counts.settled_day(frozen_clock.moment)
        with db.tx() as s:
            assert kept_rows(s) == folded(rows, settled)
            assert overview(s, settings) == counted_by_hand(s, settings), frozen_clock.moment
        for _ in range(6):  # the hours after a fold
            frozen_clock.advance(timedelta(hours=5))
            with db.tx() as s:
                assert overview(s, settings) == counted_by_hand(s, settings), frozen_clock.moment
    with db.tx() as s:  # by then every due day of the load has been folded onto one
        days = {key[-1] for key in kept_rows(s)}
        assert days <= {None, counts.settled_day(frozen_clock.moment - timedelta(hours=30))}


def test_the_migration_counts_the_tasks_already_open(db, settings, load):
    with db.tx() as s:
        before = overview(s, settings)
    config = migrate.alembic_config(db.url)
    command.downgrade(config, "0005_identity_providers")  # the revision before the counts
    migrate.upgrade(db.url)
    with db.tx() as s:
        assert overview(s, settings) == before == counted_by_hand(s, settings)


def test_cases_moved_to_a_version_that_renames_a_step_are_counted_under_its_new_name(
    db, settings, load
):
    renamed = HANDOFF.replace(
        'name="Guidance and advice"', 'name="Guidance and advice, renewed"'
    ).encode()
    with db.tx() as s:
        processes.deploy(s, data=renamed, actor=Actor.operator(), settings=settings)
        waiting = list(
            s.scalars(
                select(Task.instance_id).where(Task.bpmn_id == "guidance", Task.state == "open")
            )
        )
    assert waiting
    with db.tx() as s:
        migration.migrate(
            s,
            key="handoff",
            number=1,
            to=2,
            instance_ids=waiting,
            actor=Actor.operator(),
            settings=settings,
        )
    with db.tx() as s:
        figures = overview(s, settings)
        assert figures == counted_by_hand(s, settings)
    assert any(key[3] == "Guidance and advice, renewed" for key in figures)
