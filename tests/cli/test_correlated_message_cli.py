"""`pathways instances message` with a correlated message: refused in one line (exit 65)
without the correlation value, delivered with `--correlation`."""

from __future__ import annotations

import json

from tests.cli.test_commands import ok, shell  # noqa: F401 — the fixture
from tests.runtime.correlated_model import APPLICATION, CORRELATED


def test_the_cli_refuses_a_message_without_its_correlation_in_one_line(shell, tmp_path):  # noqa: F811
    model = tmp_path / "ask_decision.bpmn"
    model.write_bytes(CORRELATED)
    ok(shell("models", "deploy", str(model)))
    started = ok(
        shell(
            "instances",
            "start",
            "ask_decision",
            "--client",
            "C-9",
            "--municipality",
            "barsby",
            "--json",
        )
    )
    case = str(json.loads(started)["id"])
    refused = shell("instances", "message", case, "decision", "--data", '{"granted": true}')
    assert refused.returncode == 65
    assert refused.stderr.startswith("error: ") and len(refused.stderr.strip().splitlines()) == 1
    assert "'application_id'" in refused.stderr
    delivered = shell(
        "instances",
        "message",
        case,
        "decision",
        "--data",
        '{"granted": true}',
        "--correlation",
        json.dumps({"application_id": APPLICATION}),
    )
    assert delivered.returncode == 0, delivered.stderr
    assert "delivered" in delivered.stdout
