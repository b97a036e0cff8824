"""The OpenAPI document, with every error answer described as problem+json.

FastAPI documents only its own validation error, as plain JSON; our routes answer every
failure through `edge.problems`, so each operation lists those answers instead.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from pathways.edge.problems import MEDIA_TYPE

PUBLIC = {"/healthz", "/metrics"}
_STATUSES = {
    "400": "The request is malformed",
    "401": "Not signed in, or the credentials have ended",
    "403": "Not permitted for this caller",
    "404": "Not found",
    "409": "Conflicts with the current state",
    "413": "The body is too large",
    "422": "The request is well-formed but invalid",
    "429": "Too many attempts",
}


class ModelProblemOut(BaseModel):
    element_id: str | None
    message: str = Field(description="in English, as the CLI says it")
    text: str = Field(description="the same in the caller's language")


class ProblemOut(BaseModel):
    """An RFC 9457 problem; `problems` and `errors` list what was wrong, field by field."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    text: str | None = Field(default=None, description="the detail in the caller's language")
    request_id: str | None = None
    problems: list[ModelProblemOut] | None = Field(default=None, description="model problems")
    errors: list[str] | None = Field(default=None, description="invalid fields and why")


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title, version=app.version, summary=app.summary, routes=app.routes
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schemas["Problem"].pop("$defs", {}))
    for schema_name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(schema_name, None)
    problem = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in document.get("paths", {}).items():
        if path in PUBLIC:
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in _STATUSES.items():
                existing = responses.get(status, {})
                responses[status] = {
                    "description": existing.get("description", description),
                    "content": problem,
                }
    return document
