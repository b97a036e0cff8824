"""Exports carry the same rows as the views, and text never turns into a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from pathways.dashboards import durations, exports, service
from pathways.dashboards.filters import DashboardFilter
from pathways.dashboards.service import OverdueTask
from pathways.people.actors import Actor

DUE = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)


def hostile(name):
    return OverdueTask(
        1, 2, "barsby", "jobseeker", "s1", name, "=cmd|'/c calc'!A1", "C-1", DUE, 21, 15
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_start_like_a_formula_get_an_apostrophe(start):
    text = exports.to_csv(
        exports.OVERDUE_HEADER, exports.overdue_rows([hostile(f"{start}SUM(A1)")])
    )
    [header, row] = list(csv.reader(io.StringIO(text)))
    assert header == exports.OVERDUE_HEADER
    assert row[5] == f"'{start}SUM(A1)"
    assert row[6] == "'=cmd|'/c calc'!A1"
    assert row[8] == "2026-11-02 09:00"  # shown in Helsinki time
    assert row[9:] == ["21", "15"]


def test_xlsx_keeps_formula_like_text_as_text_and_numbers_as_numbers():
    data = exports.to_xlsx(
        "Overdue", exports.OVERDUE_HEADER, exports.overdue_rows([hostile("=1+1")])
    )
    sheet = load_workbook(io.BytesIO(data)).active
    values = [cell.value for cell in sheet[2]]
    assert values[5] == "'=1+1" and sheet.cell(2, 6).data_type == "s"
    assert values[6] == "'=cmd|'/c calc'!A1"
    assert values[9:] == [21, 15]
    assert [c.value for c in sheet[1]] == exports.OVERDUE_HEADER


def test_the_exports_hold_the_rows_of_the_views(db, settings, load):
    with db.tx() as s:
        overdue = service.overdue_tasks(s, actor=Actor.operator(), filters=DashboardFilter())
        taken = durations.step_durations(s, actor=Actor.operator(), filters=DashboardFilter())
    rows = list(
        csv.reader(
            io.StringIO(exports.to_csv(exports.OVERDUE_HEADER, exports.overdue_rows(overdue)))
        )
    )
    assert [int(r[0]) for r in rows[1:]] == [t.task_id for t in overdue]
    book = load_workbook(
        io.BytesIO(
            exports.to_xlsx("Durations", exports.DURATION_HEADER, exports.duration_rows(taken))
        )
    )
    sheet = book.active
    assert [(r[0].value, r[1].value, r[3].value) for r in sheet.iter_rows(min_row=2)] == [
        (t.model, t.step, t.completed) for t in taken
    ]
