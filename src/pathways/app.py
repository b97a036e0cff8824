"""The web application: every slice's routes under `/api`, one error format, one log format.

`create_app(settings)` builds a fresh app; nothing is opened at import time. The
lifespan starts the in-process timer poller unless settings turn it off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

from pathways.audit.api import router as audit_routes
from pathways.cases.api import router as case_routes
from pathways.cases.migration_api import router as migration_routes
from pathways.db.session import engine_for
from pathways.edge import openapi, problems
from pathways.edge.middleware import BodyLimit, RequestContext
from pathways.forms.api import router as form_routes
from pathways.people.api import router as people_routes
from pathways.processes.api import router as model_routes
from pathways.processes.pages import router as model_pages
from pathways.processes.review_api import router as review_routes
from pathways.settings import Settings, get_settings
from pathways.tasks.api import router as task_routes
from pathways.web import pages

API_ROUTERS = (
    people_routes,
    model_routes,
    review_routes,
    migration_routes,
    form_routes,
    case_routes,
    task_routes,
    audit_routes,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield

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
    pages.install(app)
    app.include_router(model_pages)
    app.add_api_route("/healthz", _health(app), methods=["GET"], tags=["operations"])
    app.add_middleware(BodyLimit, limit_for=_body_limit(settings))
    app.add_middleware(RequestContext)
    return app


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
