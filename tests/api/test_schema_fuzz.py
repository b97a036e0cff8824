"""Generated requests for every operation of the OpenAPI schema, sent over HTTP by
authenticated callers: never a server error, and every documented answer matches its schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = 20
# An administrator fuzzing account changes would lock itself out halfway; a caseworker is
# refused them, which is also worth fuzzing.
SELF_LOCKING = {"PATCH /api/users/{login}", "DELETE /api/session"}


def fuzz(api, login, skip=frozenset()):
    schema = schemathesis.openapi.from_dict(api.app.openapi())
    token = api.integrator(login).headers["Authorization"]
    fuzzed = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in skip:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            response = case.call(base_url=api.url, headers={"Authorization": token}, timeout=30)
            case.validate_response(response, checks=CHECKS)

        exercise()
        fuzzed.append(operation.label)
    return fuzzed


def test_an_administrator_meets_no_server_error_and_no_answer_off_the_schema(api):
    fuzzed = fuzz(api, "admin", skip=SELF_LOCKING)
    assert "POST /api/tasks/{task_id}/complete" in fuzzed and len(fuzzed) >= 15


def test_a_caseworker_meets_no_server_error_and_no_answer_off_the_schema(api):
    assert "PATCH /api/users/{login}" in fuzz(api, "anna")
