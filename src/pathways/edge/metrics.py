"""`/metrics` in the Prometheus text format: the dashboards' figures read at scrape time,
and request latency by route template."""

from __future__ import annotations

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram
from sqlalchemy import Engine

from pathways.dashboards import metrics as figures
from pathways.edge.middleware import Observer
from pathways.settings import Settings

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.registry: CollectorRegistry = figures.registry(engine, settings)
        self.latency = Histogram(
            "pathways_request_seconds",
            "HTTP request duration by route template and status class",
            ["method", "route", "status"],
            buckets=_BUCKETS,
            registry=self.registry,
        )

    def observer(self) -> Observer:
        def observe(method: str, route: str, status: int, seconds: float) -> None:
            if route != "/metrics":
                self.latency.labels(method, route, f"{status // 100}xx").observe(seconds)

        return observe

    def mount(self, app: FastAPI) -> None:
        def scrape() -> Response:
            """Prometheus metrics (bind to an internal network in production)."""
            return Response(figures.render(self.registry), media_type=CONTENT_TYPE_LATEST)

        app.add_api_route(
            "/metrics",
            scrape,
            methods=["GET"],
            tags=["operations"],
            response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
        )
