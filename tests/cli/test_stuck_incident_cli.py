"""`pathways incidents list` shows a case the CLI's own completion stranded."""

from __future__ import annotations

import json

from pathways.incidents.opening import STUCK
from tests.cli.test_commands import ok, shell  # noqa: F401 — the fixture
from tests.runtime.stranded_model import STRANDED


def test_a_case_stranded_by_a_completion_is_listed_as_an_incident(shell, tmp_path):  # noqa: F811
    model = tmp_path / "stranded.bpmn"
    model.write_bytes(STRANDED)
    ok(shell("models", "deploy", str(model)))
    case = json.loads(
        ok(
            shell(
                "instances",
                "start",
                "stranded",
                "--client",
                "C-5",
                "--municipality",
                "barsby",
                "--data",
                '{"go": false}',
                "--json",
            )
        )
    )
    (task,) = case["tasks"]
    ok(shell("tasks", "complete", str(task["id"]), "--as", "anna"))
    (incident,) = json.loads(ok(shell("incidents", "list", "--json")))
    assert (incident["instance_id"], incident["element"], incident["reason"]) == (
        case["id"],
        "join",
        STUCK,
    )
