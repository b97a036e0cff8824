"""Generated requests for every operation of the OpenAPI schema, sent by an administrator
to the two replicas of a running cluster in turn: never a server error, never an answer
off the schema, and both replicas still healthy afterwards. (What a caseworker is refused
is fuzzed on one server, on both databases, in tests/api/test_schema_fuzz.py.)"""

from __future__ import annotations

import httpx
import schemathesis
from tests.faults.conftest import POSTGRES, seed
from tests.fuzzing import SELF_LOCKING, fuzz

from pathways.people import tokens

pytestmark = POSTGRES
EXAMPLES = 6


def test_callers_fuzzing_both_replicas_meet_no_server_error(faults_db, cluster):
    seed(faults_db, 5)
    with faults_db.tx() as s:
        admin = tokens.issue(s, login="admin")
    replicas = [cluster.replica("replica-1"), cluster.replica("replica-2")]
    urls = [r.url for r in replicas]
    schema = schemathesis.openapi.from_dict(httpx.get(f"{urls[0]}/openapi.json").json())

    fuzzed = fuzz(schema, urls, admin, examples=EXAMPLES, skip=SELF_LOCKING)
    assert "POST /api/tasks/{task_id}/complete" in fuzzed and len(fuzzed) >= 15
    assert all(httpx.get(f"{url}/healthz").status_code == 200 for url in urls)
