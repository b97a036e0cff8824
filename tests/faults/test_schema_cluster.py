"""Generated requests for every operation of the OpenAPI schema, sent by an administrator
and a caseworker to the two replicas of a running cluster in turn: never a server error,
never an answer off the schema, and both replicas still healthy afterwards."""

from __future__ import annotations

import itertools

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from tests.faults.conftest import POSTGRES, seed

from pathways.people import tokens

pytestmark = POSTGRES
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = 6
SELF_LOCKING = {"PATCH /api/users/{login}", "DELETE /api/session"}


def fuzz(schema, urls, token, skip=frozenset()):
    replicas = itertools.cycle(urls)
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
            headers = {"Authorization": f"Bearer {token}"}
            response = case.call(base_url=next(replicas), headers=headers, timeout=30)
            case.validate_response(response, checks=CHECKS)

        exercise()
        fuzzed.append(operation.label)
    return fuzzed


def test_callers_fuzzing_both_replicas_meet_no_server_error(faults_db, cluster):
    seed(faults_db, 5)
    with faults_db.tx() as s:
        admin, caseworker = tokens.issue(s, login="admin"), tokens.issue(s, login="anna")
    replicas = [cluster.replica("replica-1"), cluster.replica("replica-2")]
    urls = [r.url for r in replicas]
    schema = schemathesis.openapi.from_dict(httpx.get(f"{urls[0]}/openapi.json").json())

    assert len(fuzz(schema, urls, admin, skip=SELF_LOCKING)) >= 15
    assert "POST /api/tasks/{task_id}/complete" in fuzz(schema, urls, caseworker)
    assert all(httpx.get(f"{url}/healthz").status_code == 200 for url in urls)
