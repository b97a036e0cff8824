"""`pathways models validate` on hostile and malformed files: each one is accepted or
refused with exit code 65 and its problems, never a crash or a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent / "pathways"
HOSTILE_DIR = ROOT / "tests" / "bpmn" / "hostile"
HOSTILE = sorted(HOSTILE_DIR.glob("*.bpmn"))


@pytest.fixture(scope="module")
def validate(tmp_path_factory):
    """`pathways models validate …` against a fresh database with nothing deployed."""
    folder = tmp_path_factory.mktemp("hostile-cli")
    env = {
        **os.environ,
        "PATHWAYS_DATABASE_URL": f"sqlite:///{folder / 'cli.db'}",
        "PATHWAYS_FORMS_DIR": str(ROOT / "forms"),
    }

    def run(*files: Path | str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN), "models", "validate", *map(str, files)],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    upgrade = subprocess.run(
        [str(BIN), "db", "upgrade"], env=env, cwd=folder, capture_output=True, timeout=120
    )
    assert upgrade.returncode == 0, upgrade.stderr
    return run


def test_every_hostile_file_is_accepted_or_refused_with_its_problems_in_one_command(validate):
    result = validate("--json", *HOSTILE)
    assert result.returncode == 65, result.stderr
    assert "Traceback" not in result.stderr
    rows = json.loads(result.stdout)
    assert {row["file"] for row in rows} == {str(path) for path in HOSTILE}
    refused = {row["file"] for row in rows if row["problems"]}
    assert str(HOSTILE_DIR / "xxe-file.bpmn") in refused
    assert all(isinstance(p, str) and p for row in rows for p in row["problems"])


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("empty.bpmn", "the file is empty"),
        ("xxe-file.bpmn", "a DOCTYPE is not allowed in a BPMN file"),
        ("binary-junk.bpmn", "the file is not UTF-8 encoded: save it as UTF-8"),
        (
            "call-without-called-element.bpmn",
            "work: call activity 'Call nothing' (work) names no process to call: set its called"
            " element (calledElement) to the id of a process",
        ),
    ],
)
def test_a_refused_file_exits_65_with_its_problem_and_no_traceback(validate, name, problem):
    result = validate(HOSTILE_DIR / name)
    assert result.returncode == 65
    assert result.stdout.splitlines()[0] == f"{HOSTILE_DIR / name}: -: problems"
    assert result.stdout.splitlines()[1].startswith(f"  {problem}")
    assert result.stderr == ""


def test_the_shipped_library_validates_on_an_empty_database(validate):
    result = validate(*sorted((ROOT / "bpmn").glob("*.bpmn")))
    assert result.returncode == 0, result.stdout
    assert "jobseeker.bpmn: jobseeker: ok" in result.stdout
