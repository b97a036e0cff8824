"""Poison models through the command line: one-line reasons and exit 65, never a
crashed or frozen `pathways` process; incidents listed, retried and cancelled."""

from __future__ import annotations

import json
import time

from tests.cli.test_commands import ROOT, ok, shell  # noqa: F401 — the fixture
from tests.model_xml import one_step

FREEZE_TIMER = "sum(map(sum, map(range, range(50000)))) and 'P1D'"
POISON = str(ROOT / "tests" / "bpmn" / "sandbox_poison.bpmn")


def test_validating_a_model_whose_timer_freezes_exits_65_naming_it(shell, tmp_path):  # noqa: F811
    (tmp_path / "frozen.bpmn").write_bytes(one_step(timer=FREEZE_TIMER, process_id="frozen"))
    started = time.monotonic()
    result = shell("models", "validate", str(tmp_path / "frozen.bpmn"))
    assert result.returncode == 65
    # `validate` lists a model's problems on stdout, as it always has
    # the watchdog (3 s wall) or the kernel's CPU limit, whichever ends it first
    assert "deadline: timer expression fails: the script ran longer than" in result.stdout
    assert "and was stopped" in result.stdout
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 30  # the watchdog, not the hours the call would take


def test_starting_a_case_whose_script_segfaults_exits_65_not_139(shell):  # noqa: F811
    ok(shell("models", "deploy", POISON))
    data = {"start_mode": "crash", "complete_mode": "", "timer_mode": "", "size": 200_000}
    # building the nested tuple takes over a second of CPU on a busy machine: a budget
    # this wide lets the crash, not the time limit, end the script
    roomy = {"PATHWAYS_SANDBOX__SECONDS": "30", "PATHWAYS_SANDBOX__WALL_SECONDS": "50"}
    result = shell(
        "instances", "start", "sandbox_poison", "--client", "C-1", "--municipality", "barsby",
        "--data", json.dumps(data), settings=roomy,
    )  # fmt: skip
    assert result.returncode == 65
    (line,) = result.stderr.strip().splitlines()
    assert line == "error: at_start: the script crashed its process (SIGSEGV)"


def test_incidents_from_the_command_line(shell):  # noqa: F811
    assert json.loads(ok(shell("incidents", "list", "--json"))) == []
    assert ok(shell("incidents", "list")).split() == [
        "id", "case", "model", "element", "attempts", "state", "opened", "reason"
    ]  # fmt: skip
    missing = shell("incidents", "retry", "5")
    assert (missing.returncode, missing.stderr.strip()) == (66, "error: no incident 5")
    assert shell("incidents", "cancel", "5").returncode == 66
    assert shell("incidents", "list", "--state", "closed").returncode == 64
