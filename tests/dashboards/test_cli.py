"""`pathways dashboard …` in real processes, as an operator or a scheduler runs it."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent / "pathways"


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    """One database for the module: the commands here only read, but for `daily` (last)."""
    tmp_path = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "PATHWAYS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PATHWAYS_FORMS_DIR": str(ROOT / "tests" / "forms"),
    }
    env.pop("PATHWAYS_SMTP__HOST", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    for args in [
        ("db", "upgrade"),
        ("demo",),
        ("models", "deploy", str(ROOT / "tests" / "bpmn" / "handoff.bpmn")),
        ("instances", "start", "handoff", "--client", "C-1", "--municipality", "barsby"),
        ("instances", "start", "handoff", "--client", "C-2", "--municipality", "ekby"),
    ]:
        assert run(*args).returncode == 0
    return run


def ok(result):
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_overview_counts_the_open_tasks(shell):
    rows = json.loads(ok(shell("dashboard", "overview", "--json")))
    assert [(r["organisation"], r["step"], r["open"]) for r in rows] == [
        ("barsby", "guidance", 1),
        ("ekby", "guidance", 1),
    ]


def test_a_caseworker_is_refused_with_the_not_permitted_code(shell):
    result = shell("dashboard", "overview", "--as", "anna")
    assert result.returncode == 77
    assert "only managers" in result.stderr


def test_durations_export_and_chart(shell, tmp_path):
    ok(shell("dashboard", "export", "durations", "--output", str(tmp_path / "d.csv")))
    with open(tmp_path / "d.csv", newline="") as f:
        assert next(csv.reader(f))[0] == "pathway"
    assert ok(shell("dashboard", "chart", "durations")).startswith("<svg")


def test_the_daily_job_snapshots_and_sends_nothing_without_smtp(shell):
    assert "2 rows; digests for 0 organisations; 0 sent" in ok(shell("dashboard", "daily"))
    assert "<polyline" in ok(shell("dashboard", "chart", "trend"))
