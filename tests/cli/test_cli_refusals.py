"""A command refused for the person it acts as (`--as`) leaves the same audit trace as
a 403 of the API, and none of the data the command carried."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, text

from tests.cli.test_commands import ROOT, ok, shell  # noqa: F401 — the fixture


def test_completing_another_organisations_task_is_refused_and_audited(shell):  # noqa: F811
    ok(shell("models", "deploy", str(ROOT / "tests" / "bpmn" / "handoff.bpmn")))
    case = json.loads(
        ok(
            shell(
                "instances",
                "start",
                "handoff",
                "--client",
                "C-1",
                "--municipality",
                "barsby",
                "--json",
            )
        )
    )
    (task,) = case["tasks"]
    refused = shell(
        "tasks", "complete", str(task["id"]), "--as", "helmi", "--data", '{"summary": "MARKER-77"}'
    )
    assert refused.returncode == 77 and refused.stderr.startswith("error: ")
    with create_engine(shell.url).connect() as connection:
        rows = connection.execute(
            text("SELECT actor, details FROM audit_event WHERE action = 'access.refused'")
        ).all()
    assert len(rows) == 1
    actor, details = rows[0]
    details = json.loads(details) if isinstance(details, str) else details
    assert actor == "helmi"
    assert details == {
        "route": "pathways tasks complete",
        "object": {"id": task["id"]},
        "outcome": "refused (exit 77)",
    }
    assert "MARKER-77" not in json.dumps(details)


def test_the_operator_is_never_refused_and_nothing_is_audited_as_refused(shell):  # noqa: F811
    ok(shell("models", "deploy", str(ROOT / "tests" / "bpmn" / "handoff.bpmn")))
    ok(shell("instances", "start", "handoff", "--client", "C-2", "--municipality", "barsby"))
    with create_engine(shell.url).connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'access.refused'")
        ).scalar()
    assert count == 0
