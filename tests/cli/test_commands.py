"""The `pathways` command as an operator uses it: real processes, one database file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pathways.db.session import make_engine, transaction
from pathways.people import tokens

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent / "pathways"


@pytest.fixture
def shell(tmp_path):
    env = {
        **os.environ,
        "PATHWAYS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PATHWAYS_FORMS_DIR": str(ROOT / "tests" / "forms"),
    }

    def run(
        *args: str, stdin: str | None = None, settings: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN), *args],
            env={**env, **(settings or {})},
            cwd=tmp_path,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert run("db", "upgrade").returncode == 0
    assert run("demo").returncode == 0
    run.url = env["PATHWAYS_DATABASE_URL"]
    return run


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_case_started_in_one_process_is_continued_in_another(shell):
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
    assert set(case) >= {"id", "model", "version", "state", "client", "tasks"}
    (task,) = case["tasks"]
    assert (task["organisation"], task["state"], task["overdue"]) == ("barsby", "open", False)
    done = ok(
        shell(
            "tasks",
            "complete",
            str(task["id"]),
            "--as",
            "anna",
            "--data",
            '{"summary": "met", "jobseeker": true}',
        )
    )
    assert "now with westland-ea (Employment area): Initial interview" in done
    queue = json.loads(ok(shell("tasks", "list", "--organisation", "westland-ea", "--json")))
    assert [t["bpmn_id"] for t in queue] == ["interview"]
    shown = json.loads(ok(shell("instances", "show", str(case["id"]), "--json")))
    assert [(t["bpmn_id"], t["state"]) for t in shown["tasks"]] == [
        ("guidance", "completed"),
        ("interview", "open"),
    ]


def test_deploying_the_same_file_twice_changes_nothing(shell):
    path = str(ROOT / "tests" / "bpmn" / "handoff.bpmn")
    assert "version 1 deployed (new)" in ok(shell("models", "deploy", path))
    assert "version 1 deployed (unchanged)" in ok(shell("models", "deploy", path))


def test_one_deploy_orders_its_files_so_each_call_finds_the_process_it_calls(shell):
    # Given callers first: each is deployed after the files defining what it calls.
    files = [ROOT / "bpmn" / name for name in ("jobseeker.bpmn", "integration-plan.bpmn")]
    files.append(ROOT / "bpmn" / "integration-services.bpmn")
    shipped = {"PATHWAYS_FORMS_DIR": str(ROOT / "forms")}
    rows = json.loads(ok(shell("models", "deploy", *map(str, files), "--json", settings=shipped)))
    models = [row["model"] for row in rows]
    assert set(models) >= {"jobseeker", "integration_plan", "integration_services"}
    assert models.index("integration_plan") < models.index("jobseeker")


@pytest.mark.parametrize(
    ("args", "code", "reason"),
    [
        (
            ("instances", "start", "nothing", "--client", "C-1", "--municipality", "barsby"),
            66,
            "no deployed version of that pathway",
        ),
        (
            (
                "instances",
                "start",
                "handoff",
                "--client",
                "C-1",
                "--municipality",
                "barsby",
                "--data",
                "{oops",
            ),
            65,
            "--data is not valid JSON",
        ),
        (("tasks", "complete", "999", "--as", "anna"), 66, "no task 999"),
        (("tasks", "complete", "1", "--as", "nobody"), 66, "no such user"),
        (
            ("organisations", "create", "x", "--kind", "castle", "--name", "X"),
            65,
            "unknown organisation kind (one of",
        ),
    ],
)
def test_errors_are_one_line_with_an_exit_code(shell, args, code, reason):
    result = shell(*args)
    assert result.returncode == code
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {reason}")
    assert "Traceback" not in result.stderr


def test_a_model_with_problems_is_refused_with_every_problem_named(shell, tmp_path):
    bad = (
        (ROOT / "tests" / "bpmn" / "handoff.bpmn")
        .read_text()
        .replace('name="Employment area"', 'name="Sales"')
    )
    (tmp_path / "bad.bpmn").write_text(bad)
    result = shell("models", "deploy", str(tmp_path / "bad.bpmn"))
    assert result.returncode == 65
    assert (
        "error: bad.bpmn: interview: lane 'Sales' of 'Initial interview' (interview) names no"
        " organisation kind" in result.stderr
    )
    listed = json.loads(ok(shell("models", "list", "--json")))
    assert listed == []


def test_a_database_that_is_not_set_up_says_so(tmp_path):
    env = {**os.environ, "PATHWAYS_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = subprocess.run(
        [str(BIN), "tasks", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 69
    assert result.stderr.strip() == "error: the database is not set up: run `pathways db upgrade`"


def test_a_token_is_printed_alone_on_its_line(shell):
    result = shell("users", "token", "ville")
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("pwt_") and len(line) > 40
    assert line not in result.stderr


def test_a_deactivated_users_tokens_stop_working(shell):
    token = shell("users", "token", "anna").stdout.strip()
    assert shell("users", "deactivate", "anna").returncode == 0
    engine = make_engine(shell.url)
    with transaction(engine) as s:
        assert tokens.authenticate(s, token) is None
    engine.dispose()


def test_serve_answers_on_the_port_it_was_given(shell, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "PATHWAYS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PATHWAYS_DATA_DIR": str(tmp_path / "var"),
    }
    server = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answer = None
        deadline = time.monotonic() + 30
        while answer is None and time.monotonic() < deadline:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer is not None and answer.json() == {"status": "ok"}
        refused = httpx.get(f"http://127.0.0.1:{port}/api/tasks", timeout=5)
        assert refused.status_code == 401 and refused.headers["x-request-id"]
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    logged = [json.loads(line) for line in errors.splitlines() if line.startswith("{")]
    assert any(entry.get("route") == "/api/tasks" and entry["status"] == 401 for entry in logged)
