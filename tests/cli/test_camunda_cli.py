"""`pathways models import-camunda` as a designer runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CAMUNDA = Path(__file__).parents[1] / "bpmn" / "camunda"
BIN = Path(sys.executable).parent / "pathways"


def pathways(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATHWAYS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PATHWAYS_FORMS_DIR": str(tmp_path),
    }
    return subprocess.run(  # noqa: S603 — our own command
        [str(BIN), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


def test_a_convertible_model_is_written_with_its_forms_and_then_validates(tmp_path):
    out = tmp_path / "intake.bpmn"
    done = pathways(
        tmp_path, "models", "import-camunda", str(CAMUNDA / "intake.bpmn"), "-o", str(out),
        "--groups", str(CAMUNDA / "groups.json"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "note: interview: camunda:asyncBefore dropped" in done.stderr
    form = json.loads((tmp_path / "interview.schema.json").read_text())
    assert list(form["properties"]) == [
        "full_name", "children", "needs_housing", "arrived_on", "language", "office",
    ]  # fmt: skip
    checked = pathways(tmp_path, "models", "validate", str(out))
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.strip() == f"{out}: camunda_intake: ok"


def test_problems_exit_65_with_one_line_each_and_the_output_is_still_written(tmp_path):
    out = tmp_path / "features.bpmn"
    done = pathways(
        tmp_path, "models", "import-camunda", str(CAMUNDA / "features.bpmn"), "-o", str(out)
    )
    assert done.returncode == 65
    lines = done.stderr.strip().splitlines()
    assert "problem: notify: camunda:class 'org.example.Notify' cannot be converted" in done.stderr
    assert lines[-1] == "error: 9 problem(s) to fix before it deploys"
    assert out.read_bytes().startswith(b"<?xml")


def test_a_group_map_that_is_not_json_is_refused_with_exit_65(tmp_path):
    (tmp_path / "groups.json").write_text("social-office = municipality")
    done = pathways(
        tmp_path, "models", "import-camunda", str(CAMUNDA / "intake.bpmn"),
        "--groups", str(tmp_path / "groups.json"),
    )  # fmt: skip
    assert done.returncode == 65
    assert done.stderr == f"error: {tmp_path / 'groups.json'}: the group map is not JSON\n"


def test_without_an_output_file_the_model_goes_to_stdout(tmp_path):
    done = pathways(
        tmp_path, "models", "import-camunda", str(CAMUNDA / "intake.bpmn"),
        "--groups", str(CAMUNDA / "groups.json"), "--forms-dir", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0
    assert done.stdout.startswith("<?xml") and "Lane_municipality" in done.stdout
    assert (tmp_path / "interview.uischema.json").exists()
