"""Generated requests for the notes and attachments operations, over HTTP, as a caseworker
of the case team and as one outside it: never a server error, never an answer off the
schema."""

from __future__ import annotations

import schemathesis

from tests.fuzzing import fuzz

EXAMPLES = 30


def _fuzz_notes(api, login):
    schema = schemathesis.openapi.from_dict(api.app.openapi())
    labels = {result.ok().label for result in schema.get_all_operations()}
    others = frozenset(
        label for label in labels if "/notes" not in label and "attachments" not in label
    )
    token = api.integrator(login).headers["Authorization"].removeprefix("Bearer ")
    return fuzz(schema, [api.url], token, examples=EXAMPLES, skip=others)


def test_notes_and_attachments_meet_no_server_error_and_stay_on_the_schema(api, case):
    for login in ("anna", "olli"):
        fuzzed = _fuzz_notes(api, login)
        assert "POST /api/instances/{instance_id}/attachments" in fuzzed
        assert len(fuzzed) == 5
