"""The three-organisation pathway of the page tests, deployed and started through services."""

from __future__ import annotations

from tests import factories


def start_three_org_case(site: object, reference: str = "P-1") -> int:
    db, settings = site.db, site.settings  # type: ignore[attr-defined]
    with db.tx() as s:
        factories.deploy(s, settings, "three_orgs")
        return factories.start(s, settings, "three_orgs", reference=reference).id


def open_task_id(site: object, case_id: int, step: str) -> int:
    with site.db.tx() as s:  # type: ignore[attr-defined]
        return factories.open_task(s, case_id, step).id


def complete_on_page(browser: object, page: str, fields: dict[str, object]) -> object:
    """Complete a task as a person does: send the answers, then confirm what is shown."""
    checked = browser.post_form(page, {"action": "complete", **fields}, page=page)  # type: ignore[attr-defined]
    assert checked.status_code == 200 and 'value="confirm"' in checked.text, checked.status_code
    return browser.post_form(page, {"action": "confirm"}, page=page)  # type: ignore[attr-defined]
