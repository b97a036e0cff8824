"""`/metrics` figures, read from the database at scrape time, in Prometheus' text format."""

from __future__ import annotations

from collections import Counter

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from pathways.dashboards import metrics, service
from pathways.dashboards.filters import DashboardFilter
from pathways.deadlines.models import Timer
from pathways.people.actors import Actor


def scrape(db, settings):
    text = metrics.render(metrics.registry(db.engine, settings)).decode()
    return {
        family.name: {tuple(sorted(s.labels.items())): s.value for s in family.samples}
        for family in text_string_to_metric_families(text)
    }


def test_task_gauges_add_up_to_the_dashboard_by_organisation_and_pathway(db, settings, load):
    found = scrape(db, settings)
    with db.tx() as s:
        figures = service.overview(
            s, actor=Actor.operator(), filters=DashboardFilter(), settings=settings
        )
    for name, field in [("open", "open"), ("at_risk", "at_risk"), ("overdue", "overdue")]:
        expected = Counter()
        for row in figures:
            expected[(("organisation", row.organisation), ("pathway", row.model))] += getattr(
                row, field
            )
        assert found[f"pathways_tasks_{name}"] == {k: float(v) for k, v in expected.items()}


def test_timer_lag_is_how_late_the_oldest_due_timer_is(db, settings, load):
    found = scrape(db, settings)
    with db.tx() as s:
        due = [
            t.due_at for t in s.scalars(select(Timer)) if t.state == "waiting" and t.due_at <= load
        ]
    assert due, "the generated load leaves guidance deadlines unfired"
    assert found["pathways_timer_lag_seconds"] == {(): (load - min(due)).total_seconds()}
    assert found["pathways_timers_due"] == {(): float(len(due))}


def test_an_empty_database_scrapes_as_zeroes(db, settings):
    found = scrape(db, settings)
    assert found["pathways_tasks_open"] == {}
    assert found["pathways_timer_lag_seconds"] == {(): 0.0}
    assert found["pathways_mail_pending"] == {(): 0.0}
