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
from pathways.audit.pages import router as audit_pages
from pathways.audit.report_api import router as access_report_routes
from pathways.cases.api import router as case_routes
from pathways.cases.migration_api import router as migration_routes
from pathways.cases.pages import router as case_pages
from pathways.cases.search_api import router as case_search_routes
from pathways.cases.search_pages import router as case_search_pages
from pathways.dashboards.api import router as dashboard_routes
from pathways.dashboards.daily import DailyJobs
from pathways.dashboards.pages import router as dashboard_pages
from pathways.dashboards.work_pages import router as dashboard_work_pages
from pathways.db.session import READ_ONLY, engine_for
from pathways.deadlines.scheduler import Poller
from pathways.edge import logs, openapi, problems
from pathways.edge.hygiene import TextHygiene
from pathways.edge.metrics import Metrics
from pathways.edge.middleware import BodyLimit, RequestContext
from pathways.edge.proxies import TrustedProxies
from pathways.errors import PollerRunning
from pathways.forms.api import router as form_routes
from pathways.incidents.api import router as incident_routes
from pathways.notes.api import router as note_routes
from pathways.notes.pages import router as note_pages
from pathways.operations.pages import router as operations_pages
from pathways.people.api import router as people_routes
from pathways.people.oidc_api import router as oidc_routes
from pathways.people.organisation_pages import router as organisation_pages
from pathways.people.pages import router as people_pages
from pathways.processes.api import router as model_routes
from pathways.processes.pages import router as model_pages
from pathways.processes.review_api import router as review_routes
from pathways.record.api import router as record_routes
from pathways.record.pages import router as record_pages
from pathways.settings import Settings, get_settings
from pathways.tasks.api import router as task_routes
from pathways.tasks.pages import router as task_pages
from pathways.web import errors as page_errors
from pathways.web.api_docs import router as api_docs
from pathways.web.pages import router as web_pages
from pathways.web.templating import STATIC_DIR

log = logging.getLogger("pathways.app")
API_ROUTERS = (
    people_routes,
    model_routes,
    case_routes,
    case_search_routes,
    task_routes,
    dashboard_routes,
    review_routes,
    migration_routes,
    form_routes,
    audit_routes,
    incident_routes,
    note_routes,
    access_report_routes,
    record_routes,
    oidc_routes,
)
PAGE_ROUTERS = (
    web_pages,
    task_pages,
    case_search_pages,
    case_pages,
    model_pages,
    dashboard_pages,
    dashboard_work_pages,
    note_pages,
    record_pages,
    people_pages,
    organisation_pages,
    audit_pages,
    operations_pages,
    api_docs,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logs.quiet_libraries()  # also when served by another ASGI server than `pathways serve`

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
        docs_url=None,  # /docs is served from our own static files (web/api_docs.py)
        redoc_url=None,
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
    app.add_middleware(TextHygiene)  # inside the body limit: it reads capped bodies only
    app.add_middleware(BodyLimit, limit_for=_body_limit(settings))
    app.add_middleware(RequestContext, observe=metrics.observer())
    # Outermost: everything inside sees the caller's real address.
    app.add_middleware(TrustedProxies, trusted=settings.web.trusted_proxies)
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
        if path.endswith("/attachments"):  # uploads: the file's limit plus multipart framing
            return settings.attachments.max_bytes + 64 * 1024
        return settings.web.max_request_bytes

    return limit_for


def _health(app: FastAPI) -> Callable[[], dict[str, str]]:
    def healthz() -> dict[str, str]:
        """Alive and able to reach the database."""
        with app.state.engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok"}

    return healthz
