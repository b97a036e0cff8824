"""`pathways instances list` finds cases with the API's filters; `instances start` asks for
`--confirm-duplicate` before a second running case of a pathway for one client."""

from __future__ import annotations

import json

from tests.cli.test_commands import ROOT, ok, shell  # noqa: F401 - the shell fixture

START = ("instances", "start", "handoff", "--municipality", "barsby")


def test_cases_are_listed_by_reference_prefix_and_state_as_json(shell):  # noqa: F811
    ok(shell("models", "deploy", str(ROOT / "tests" / "bpmn" / "handoff.bpmn")))
    for reference in ("K-1", "k-2", "M-1"):
        ok(shell(*START, "--client", reference))
    listed = json.loads(ok(shell("instances", "list", "--reference", "k", "--json")))
    assert sorted(c["client"] for c in listed) == ["K-1", "k-2"]
    assert listed[0]["open_steps"][0]["bpmn_id"] == "guidance"
    ok(shell("instances", "cancel", str(listed[0]["id"])))
    cancelled = json.loads(ok(shell("instances", "list", "--state", "cancelled", "--json")))
    assert [c["id"] for c in cancelled] == [listed[0]["id"]]
    since = ("instances", "list", "--json", "--started-from")
    assert len(json.loads(ok(shell(*since, "2000-01-01")))) == 3
    assert json.loads(ok(shell(*since, "2999-01-01T08:00:00"))) == []
    page = shell("instances", "list", "--sort", "reference", "--limit", "2")
    assert page.returncode == 0 and "2 of 3 cases" in page.stderr
    assert page.stdout.splitlines()[1].split()[1] == "K-1"


def test_a_caseworker_lists_only_cases_their_organisation_serves(shell):  # noqa: F811
    ok(shell("models", "deploy", str(ROOT / "tests" / "bpmn" / "handoff.bpmn")))
    ok(shell(*START, "--client", "K-1"))
    assert len(json.loads(ok(shell("instances", "list", "--as", "anna", "--json")))) == 1
    assert json.loads(ok(shell("instances", "list", "--as", "elina", "--json"))) == []
    refused = shell("instances", "list", "--as", "dana")
    assert refused.returncode == 77 and refused.stderr.startswith("error: ")
    bad = shell("instances", "list", "--state", "lost")
    assert bad.returncode == 65 and len(bad.stderr.splitlines()) == 1


def test_a_second_running_case_starts_only_when_confirmed(shell):  # noqa: F811
    ok(shell("models", "deploy", str(ROOT / "tests" / "bpmn" / "handoff.bpmn")))
    ok(shell(*START, "--client", "K-1"))
    again = shell(*START, "--client", "K-1")
    assert again.returncode == 75 and "already running" in again.stderr
    ok(shell(*START, "--client", "K-1", "--confirm-duplicate"))
    assert len(json.loads(ok(shell("instances", "list", "--reference", "K-1", "--json")))) == 2
