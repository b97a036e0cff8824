"""Generated requests for every operation of the OpenAPI schema, sent over HTTP by
authenticated callers: never a server error, and every documented answer matches its schema."""

from __future__ import annotations

import schemathesis

from tests.fuzzing import SELF_LOCKING, fuzz

EXAMPLES = 20


def fuzz_as(api, login, skip=frozenset()):
    schema = schemathesis.openapi.from_dict(api.app.openapi())
    token = api.integrator(login).headers["Authorization"].removeprefix("Bearer ")
    return fuzz(schema, [api.url], token, examples=EXAMPLES, skip=skip)


def test_an_administrator_meets_no_server_error_and_no_answer_off_the_schema(api):
    fuzzed = fuzz_as(api, "admin", skip=SELF_LOCKING)
    assert "POST /api/tasks/{task_id}/complete" in fuzzed and len(fuzzed) >= 15


def test_a_caseworker_meets_no_server_error_and_no_answer_off_the_schema(api):
    assert "PATCH /api/users/{login}" in fuzz_as(api, "anna")
