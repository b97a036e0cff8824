"""A case of the tiny `record` model: the employment area assesses, the county joins, a
third-sector organisation runs an activity that waits for the client's consent."""

from __future__ import annotations

from tests import factories

ASSESSMENT = {
    "summary": "Talked about work and family",
    "county_request": "Support with housing",
    "goals": "Work as a cook",
    "needs_county": True,
}
COUNTY = {"services": "Social work", "notes": "Weekly home visits"}
# Field → who recorded it; the matrix below says who else may read it.
FIELDS = ("summary", "county_request", "goals", "needs_county", "services", "notes")


def start(db, settings, reference: str = "R-1") -> int:
    with db.tx() as s:
        factories.deploy(s, settings, "record")
        return factories.start(s, settings, "record_case", reference=reference).id


def task_id(db, case_id: int, step: str) -> int:
    with db.tx() as s:
        return factories.open_task(s, case_id, step).id
