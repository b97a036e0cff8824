"""The web application: every slice's routes under `/api`, one error format, one log format.

`create_app(settings)` builds a fresh app; nothing is opened at import time. The
lifespan starts the in-process timer poller (and with it the morning job and the mail
round) unless settings turn it off.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text

from pathways.audit.api import router as audit_routes
from pathways.cases.api import router as case_routes
from pathways.cases.migration_api import router as migration_routes
from pathways.cases.pages import router as case_pages
from pathways.dashboards.api import router as dashboard_routes
from pathways.dashboards.daily import DailyJobs
from pathways.dashboards.pages import router as dashboard_pages
from pathways.db.session import engine_for
from pathways.deadlines.scheduler import Poller
from pathways.edge import openapi, problems
from pathways.edge.metrics import Metrics
from pathways.edge.middleware import BodyLimit, RequestContext
from pathways.errors import PollerRunning
from pathways.forms.api import router as form_routes
from pathways.people.api import router as people_routes
from pathways.people.oidc_api import router as oidc_routes
from pathways.processes.api import router as model_routes
from pathways.processes.pages import router as model_pages
from pathways.processes.review_api import router as review_routes
from pathways.settings import Settings, get_settings
from pathways.tasks.api import router as task_routes
from pathways.tasks.pages import router as task_pages
from pathways.web import errors as page_errors
from pathways.web.pages import router as web_pages
from pathways.web.templating import STATIC_DIR

log = logging.getLogger("pathways.app")
API_ROUTERS = (
    people_routes,
    model_routes,
    case_routes,
    task_routes,
    dashboard_routes,
    review_routes,
    migration_routes,
    form_routes,
    audit_routes,
    oidc_routes,
)
PAGE_ROUTERS = (web_pages, task_pages, case_pages, model_pages, dashboard_pages)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        poller = _start_poller(settings, app.state.engine)
        daily = DailyJobs(app.state.engine, settings) if poller is not None else None
        if daily is not None:
            daily.start()
        try:
            yield
        finally:
            if daily is not None:
                daily.stop()
            if poller is not None:
                poller.stop()

    app = FastAPI(
        title="Pathways",
        summary="Multi-agency public service pathways as BPMN 2.0 processes",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine_for(settings.database_url)
    problems.install(app)
    openapi.install(app)
    for router in API_ROUTERS:  # each carries its full /api/… prefix, so logs name whole routes
        app.include_router(router)
    app.add_api_route("/healthz", _health(app), methods=["GET"], tags=["operations"])
    metrics = Metrics(app.state.engine, settings)
    metrics.mount(app)
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    page_errors.install(app)  # after problems.install: pages answer HTML, the API problem+json
    app.add_middleware(BodyLimit, limit_for=_body_limit(settings))
    app.add_middleware(RequestContext, observe=metrics.observer())
    return app


def _start_poller(settings: Settings, engine: Engine) -> Poller | None:
    """The in-process timer poller, unless settings leave polling to `pathways worker`."""
    if not settings.deadlines.poller_in_serve:
        return None
    poller = Poller(settings, engine=engine)
    try:
        poller.start()
    except PollerRunning as running:  # SQLite: a worker already polls this database
        log.warning("not polling timers in this process: %s", running.message)
        return None
    return poller


def _body_limit(settings: Settings) -> Callable[[str], int]:
    def limit_for(path: str) -> int:
        # BPMN uploads have their own, larger cap; everything else is small JSON.
        if path.startswith("/api/models/") and path.endswith("/versions"):
            return settings.max_bpmn_bytes
        return settings.web.max_request_bytes

    return limit_for


def _health(app: FastAPI) -> Callable[[], dict[str, str]]:
    def healthz() -> dict[str, str]:
        """Alive and able to reach the database."""
        with app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok"}

    return healthz
