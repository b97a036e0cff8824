"""CSV and XLSX of the overdue list and of step durations, safe to open in a spreadsheet.

A text cell that begins with = + - @ (or a tab or carriage return) would be read as a
formula by Excel or LibreOffice; such cells get a leading apostrophe, which shows the
text as typed. Numbers and dates stay numbers and dates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from openpyxl import Workbook

from pathways import clock
from pathways.dashboards.durations import StepDuration
from pathways.dashboards.service import OverdueTask

Cell = str | int | float | None
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DAY = 86400.0

OVERDUE_HEADER = [
    "task", "case", "organisation", "pathway", "step", "step name", "assignee",
    "client", "due (Helsinki)", "days overdue", "working days overdue",
]  # fmt: skip
DURATION_HEADER = [
    "pathway", "step", "step name", "completed", "median days", "90th percentile days",
    "deadline days (median)", "completed late",
]  # fmt: skip


def safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _local(moment: datetime) -> str:
    return clock.local(moment).strftime("%Y-%m-%d %H:%M")


def overdue_rows(rows: Iterable[OverdueTask]) -> list[list[Cell]]:
    return [
        [
            r.task_id,
            r.case_id,
            r.organisation,
            r.model,
            r.step,
            r.step_name,
            r.assignee,
            r.client,
            _local(r.due_at),
            r.days_overdue,
            r.working_days_overdue,
        ]  # fmt: skip
        for r in rows
    ]


def duration_rows(rows: Iterable[StepDuration]) -> list[list[Cell]]:
    return [
        [
            r.model,
            r.step,
            r.step_name,
            r.completed,
            round(r.median_seconds / _DAY, 2),
            round(r.p90_seconds / _DAY, 2),
            None if r.allowed_seconds is None else round(r.allowed_seconds / _DAY, 2),
            r.late,
        ]  # fmt: skip
        for r in rows
    ]


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([safe(cell) for cell in row] for row in rows)
    return out.getvalue()


def to_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append([safe(cell) for cell in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, even after the apostrophe
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
