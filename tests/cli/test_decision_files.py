"""`pathways models validate|deploy` take DMN files beside the BPMN files that call them."""

from __future__ import annotations

import json

from tests.cli import test_commands
from tests.cli.test_commands import ROOT, ok

shell = test_commands.shell  # the operator's shell over a fresh database

MODEL = str(ROOT / "tests" / "bpmn" / "decide.bpmn")
TABLES = sorted(str(p) for p in (ROOT / "tests" / "dmn").glob("*.dmn"))


def test_a_model_validates_and_deploys_with_its_dmn_files_and_a_case_runs_through(shell):
    result = shell("models", "validate", MODEL, *TABLES[1:])
    assert result.returncode == 65
    assert (
        "offices: business rule task 'Offices to notify' calls decision 'collect_offices',"
        " which is neither in a DMN file given with the model nor deployed"
    ) in result.stdout
    assert "decide.bpmn: decide: ok" in ok(shell("models", "validate", MODEL, *TABLES))
    assert "decide: version 1 deployed (new)" in ok(shell("models", "deploy", *TABLES, MODEL))
    data = json.dumps({"age": 40, "language": "ar", "jobseeker": True})
    started = shell(
        "instances",
        "start",
        "decide",
        "--client",
        "C-9",
        "--municipality",
        "barsby",
        "--data",
        data,
        "--json",
    )
    assert [task["bpmn_id"] for task in json.loads(ok(started))["tasks"]] == ["review"]


def test_a_dmn_file_with_a_doctype_or_dmn_files_alone_are_refused_and_nothing_deployed(
    shell, tmp_path
):
    text = (ROOT / "tests" / "dmn" / "support_level.dmn").read_text()
    hostile = tmp_path / "support_level.dmn"
    hostile.write_text(
        text.replace("?>", '?><!DOCTYPE d [<!ENTITY h SYSTEM "file:///etc/hostname">]>', 1)
    )
    result = shell("models", "deploy", MODEL, str(hostile), *TABLES[:2])
    assert result.returncode == 65
    assert "support_level.dmn: a DOCTYPE is not allowed in a DMN file" in result.stderr
    assert json.loads(ok(shell("models", "list", "--json"))) == []
    alone = shell("models", "deploy", *TABLES)
    assert alone.returncode == 65
    assert alone.stderr.strip().splitlines() == [
        "error: no BPMN file given: DMN files are deployed with the models that call them"
    ]
