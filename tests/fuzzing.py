"""Generated requests for every operation of the OpenAPI schema, sent over real HTTP."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# An administrator fuzzing account changes would lock itself out halfway; a caseworker is
# refused them, which is also worth fuzzing.
SELF_LOCKING = frozenset(
    {
        "PATCH /api/users/{login}",
        "DELETE /api/session",
        "DELETE /api/users/{login}/tokens/{token_id}",
    }
)


def fuzz(
    schema: Any,
    urls: Iterable[str],
    token: str,
    *,
    examples: int,
    skip: frozenset[str] = frozenset(),
) -> list[str]:
    """Send `examples` generated requests per operation, round-robin over `urls`; fail on a
    server error or an answer off the schema. Returns the operations fuzzed."""
    servers = itertools.cycle(urls)
    headers = {"Authorization": f"Bearer {token}"}
    fuzzed = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in skip:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            response = case.call(base_url=next(servers), headers=headers, timeout=30)
            case.validate_response(response, checks=CHECKS)

        exercise()
        fuzzed.append(operation.label)
    return fuzzed
