"""Daily snapshots: one set of figures per day, read back as trends within the actor's scope."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.dashboards import service, snapshots
from pathways.dashboards.filters import DashboardFilter
from pathways.dashboards.models import DashboardSnapshot
from pathways.errors import NotPermitted
from pathways.people.actors import Actor
from tests import factories

ALL = DashboardFilter()


def totals(rows):
    found = Counter()
    for r in rows:
        found["open"] += r.open
        found["at_risk"] += r.at_risk
        found["overdue"] += r.overdue
    return found


def test_a_snapshot_holds_the_days_overview(db, settings, load):
    with db.tx() as s:
        written = snapshots.take_snapshot(s, settings=settings)
    with db.tx() as s:
        figures = service.overview(s, actor=Actor.operator(), filters=ALL, settings=settings)
        [point] = snapshots.trend(s, actor=Actor.operator(), filters=ALL)
    assert written == len({(r.organisation, r.model, r.step) for r in figures})
    assert point.day == clock.local(load).date()
    assert Counter(open=point.open, at_risk=point.at_risk, overdue=point.overdue) == +totals(
        figures
    )


def test_taking_the_snapshot_twice_a_day_keeps_one_set_of_figures(db, settings, load, frozen_clock):
    with db.tx() as s:
        first = snapshots.take_snapshot(s, settings=settings)
    frozen_clock.advance(timedelta(hours=3))
    with db.tx() as s:
        second = snapshots.take_snapshot(s, settings=settings)
        stored = s.scalar(select(func.count()).select_from(DashboardSnapshot))
    assert first == second == stored


def test_the_trend_has_a_point_per_day_within_the_managers_organisation(
    db, settings, load, frozen_clock
):
    for _ in range(3):
        with db.tx() as s:
            snapshots.take_snapshot(s, settings=settings)
        frozen_clock.advance(timedelta(days=1))
    with db.tx() as s:
        mona = factories.actor(s, "mona")
        points = snapshots.trend(s, actor=mona, filters=ALL)
        barsby = service.overview(s, actor=mona, filters=ALL, settings=settings)
        with pytest.raises(NotPermitted):
            snapshots.trend(s, actor=mona, filters=DashboardFilter(organisation="ostby"))
    assert len(points) == 3
    assert [p.day for p in points] == sorted(p.day for p in points)
    # Nothing changed but the clock: the latest point still counts Barsby's open tasks.
    assert points[-1].open == totals(barsby)["open"]
