"""The `pathways` command starts with only what the command in hand needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from pathways.cli.lazy import COMMANDS, load

ROOT = Path(__file__).parents[2]
HEAVY = ("SpiffWorkflow", "sqlalchemy", "fastapi", "pathways.app", "pathways.db", "holidays")

# Runs the command in this interpreter, then writes the names of the modules it loaded.
PROBE = """
import json, sys
from pathways.cli import main
sys.argv = ["pathways", *sys.argv[2:]]
try:
    main()
except SystemExit as done:
    code = done.code
with open(OUT, "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def _loaded(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    out = tmp_path / "modules.json"
    env = {
        **os.environ,
        "PATHWAYS_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}",
        "PATHWAYS_FORMS_DIR": str(ROOT / "tests" / "forms"),
    }
    probe = PROBE.replace("OUT", repr(str(out)))
    subprocess.run(  # noqa: S603 — our own interpreter and probe
        [sys.executable, "-c", probe, "pathways", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        check=False,
    )
    report = json.loads(out.read_text())
    return report["code"], set(report["modules"])


def _heavy(modules: set[str], *names: str) -> set[str]:
    return {m for m in modules for n in names if m == n or m.startswith(f"{n}.")}


def test_help_loads_neither_the_engine_the_database_nor_the_web_app(tmp_path):
    code, modules = _loaded(tmp_path, "--help")
    assert code == 0
    assert _heavy(modules, *HEAVY, "pydantic") == set()


def test_validating_a_file_alone_loads_the_engine_but_not_the_database_or_the_web_app(tmp_path):
    code, modules = _loaded(tmp_path, "models", "validate", str(ROOT / "tests/bpmn/handoff.bpmn"))
    assert code == 0
    assert "SpiffWorkflow" in modules
    assert _heavy(modules, "sqlalchemy", "fastapi", "pathways.app", "pathways.db") == set()


def test_validating_a_file_that_calls_a_deployed_model_still_asks_the_database(tmp_path):
    env = {**os.environ, "PATHWAYS_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    done = subprocess.run(  # noqa: S603
        [
            str(Path(sys.executable).parent / "pathways"),
            "models",
            "validate",
            str(ROOT / "bpmn/jobseeker.bpmn"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 69, done.stderr
    assert "pathways db upgrade" in done.stderr


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_help_line_listed_for_a_command_is_the_one_its_module_gives(name):
    command = load(name)
    assert (command.help or "").strip().split("\n")[0] == COMMANDS[name].help
    assert command.name == name


def test_a_command_runs_through_the_listing_as_before():
    from typer.testing import CliRunner

    from pathways.cli import app

    result = CliRunner().invoke(app, ["organisations", "--help"])
    assert result.exit_code == 0
    assert "close-day" in result.output
    assert isinstance(app, typer.Typer)
