"""Managers' overdue view over HTTP, its export, and the metrics endpoint."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from pathways import clock


def later(days):
    return clock.frozen(clock.now() + timedelta(days=days))


def test_a_manager_sees_the_overdue_steps_of_their_own_organisation(api):
    with later(10):
        mari = api.integrator("mari").get("/api/dashboard/overdue").json()
        otto = api.integrator("otto").get("/api/dashboard/overdue").json()
    assert mari["totals"] == {"open": 1, "at_risk": 0, "overdue": 1}
    assert [(s["organisation"], s["step"]) for s in mari["steps"]] == [("barsby", "guidance")]
    (late,) = mari["overdue"]
    assert (
        late["client"] == "C-1" and late["days_overdue"] >= 5 and late["working_days_overdue"] >= 3
    )
    assert otto["totals"] == {"open": 0, "at_risk": 0, "overdue": 0} and otto["overdue"] == []


def test_an_administrator_sees_every_organisation_and_caseworkers_see_none(api):
    with later(10):
        admin = api.integrator("admin").get("/api/dashboard/overdue").json()
        refused = api.integrator("anna").get("/api/dashboard/overdue")
    assert {s["organisation"] for s in admin["steps"]} == {"barsby", "ostby"}
    assert refused.status_code == 403


def test_a_manager_asking_for_another_organisation_is_refused(api):
    answer = api.integrator("mari").get("/api/dashboard/overdue", params={"organisation": "ostby"})
    assert answer.status_code == 403


def test_the_overdue_list_exports_as_csv_and_xlsx(api):
    with later(10):
        text = api.integrator("admin").get("/api/dashboard/overdue/export").text
        xlsx = api.integrator("admin").get(
            "/api/dashboard/overdue/export", params={"format": "xlsx"}
        )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["task", "case", "organisation"] and len(rows) == 3
    assert xlsx.content[:2] == b"PK"  # a zip container, as every XLSX file is


def test_metrics_report_open_tasks_and_request_latency(api):
    api.integrator("anna").get("/api/tasks")
    text = api.anonymous().get("/metrics").text
    assert 'pathways_request_seconds_count{method="GET",route="/api/tasks",status="2xx"}' in text
    assert "pathways_tasks_open" in text
