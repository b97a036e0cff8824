"""Prometheus metrics read from the database at scrape time.

`registry(engine, settings)` gives a `CollectorRegistry` holding the database figures;
the app mounts it at `/metrics` (e.g. `prometheus_client.make_asgi_app(registry)`)
and adds its own request-latency and poller-health metrics to the same registry.
Every scrape runs a few aggregate queries in one short transaction; no figure is
kept in process memory, so any replica answers the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pathways import clock
from pathways.dashboards.service import open_counts
from pathways.db.session import transaction
from pathways.operations import figures
from pathways.people.models import Organisation
from pathways.processes.models import ProcessModel
from pathways.settings import Settings

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LABELS = ["organisation", "pathway"]


@dataclass(frozen=True, eq=False)  # the registry keys collectors by identity
class TaskCollector:
    """Open, at-risk and overdue tasks by organisation and pathway; timer lag; mail queue."""

    engine: Engine
    settings: Settings

    def collect(self) -> Iterator[Metric]:
        with transaction(self.engine) as session:
            yield from self._tasks(session)
            yield from self._timers(session)
            pending, failed = figures.mail_counts(session)
        queue = GaugeMetricFamily("pathways_mail_pending", "Queued mail not yet sent")
        queue.add_metric([], float(pending + failed))
        gave_up = GaugeMetricFamily(
            "pathways_mail_failed", "Queued mail the sender gave up on after its last attempt"
        )
        gave_up.add_metric([], float(failed))
        yield queue
        yield gave_up

    def _tasks(self, session: Session) -> Iterator[Metric]:
        counts = open_counts(clock.now(), self.settings.deadlines.at_risk_window).subquery()
        rows = session.execute(
            select(
                Organisation.code,
                ProcessModel.key,
                func.sum(counts.c.open),
                func.sum(counts.c.at_risk),
                func.sum(counts.c.overdue),
            )
            .join(Organisation, Organisation.id == counts.c.organisation_id)
            .join(ProcessModel, ProcessModel.id == counts.c.model_id)
            .group_by(Organisation.code, ProcessModel.key)
            .order_by(Organisation.code, ProcessModel.key)
        ).all()
        families = [
            GaugeMetricFamily("pathways_tasks_open", "Open tasks", labels=_LABELS),
            GaugeMetricFamily(
                "pathways_tasks_at_risk", "Open tasks due within the warning window", labels=_LABELS
            ),
            GaugeMetricFamily("pathways_tasks_overdue", "Open tasks past due", labels=_LABELS),
        ]
        for organisation, pathway, *values in rows:
            for family, value in zip(families, values, strict=True):
                family.add_metric([organisation, pathway], float(value))
        yield from families

    def _timers(self, session: Session) -> Iterator[Metric]:
        now = clock.now()
        backlog = figures.timer_backlog(session, now)
        lag = GaugeMetricFamily(
            "pathways_timer_lag_seconds",
            "How late the oldest due, unfired timer is (0 when the poller keeps up)",
        )
        lag.add_metric([], max((kind.lateness_seconds(now) for kind in backlog), default=0.0))
        waiting = GaugeMetricFamily("pathways_timers_due", "Timers past due and not yet fired")
        waiting.add_metric([], float(sum(kind.due for kind in backlog)))
        yield lag
        yield waiting


def registry(engine: Engine, settings: Settings) -> CollectorRegistry:
    found = CollectorRegistry(auto_describe=False)
    found.register(TaskCollector(engine, settings))
    return found


def render(source: CollectorRegistry) -> bytes:
    """The text exposition format (`CONTENT_TYPE`)."""
    return generate_latest(source)
