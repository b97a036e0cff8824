"""`pathways instances message` for client events: a move names the case opened in the
new municipality; a message the case cannot take exits 75, a malformed move 65."""

from __future__ import annotations

import json

from tests.cli.test_commands import ROOT, ok, shell  # noqa: F401 — the fixture

SHIPPED = {"PATHWAYS_FORMS_DIR": str(ROOT / "forms")}


def test_a_move_from_the_command_line_names_the_new_case(shell):  # noqa: F811
    files = [
        str(ROOT / "bpmn" / f"{n}.bpmn")
        for n in ("integration-plan", "integration-services", "vulnerable")
    ]
    ok(shell("models", "deploy", *files, settings=SHIPPED))
    started = shell(
        "instances",
        "start",
        "vulnerable",
        "--client",
        "C-9",
        "--municipality",
        "barsby",
        "--json",
        settings=SHIPPED,
    )
    case = str(json.loads(ok(started))["id"])

    def message(target: str, name: str, data: str):
        return shell("instances", "message", target, name, "--data", data, settings=SHIPPED)

    refused = message(case, "registered_as_jobseeker", "{}")
    assert refused.returncode == 75 and len(refused.stderr.strip().splitlines()) == 1
    assert message(case, "moved_away", '{"municipality": "nowhere"}').returncode == 65
    moved = message(case, "moved_away", '{"municipality": "ekby", "moved_on": "2026-12-01"}')
    assert moved.returncode == 0, moved.stderr
    listed = json.loads(ok(shell("instances", "list", "--reference", "C-9", "--json")))
    opened = {c["id"] for c in listed}
    (other,) = opened - {int(case)}
    assert f"new municipality has case {other}" in moved.stdout
    assert message(case, "moved_away", '{"municipality": "ekby"}').returncode == 75
