"""Reopening a step on the pages, over plain HTTP: who is offered it, who is refused,
and the refusal in the page's language once another organisation has acted."""

from __future__ import annotations

import pytest

from pathways.tasks import service as tasks
from tests import factories
from tests.record.cases import ASSESSMENT, task_id

pytestmark = pytest.mark.usefixtures("frozen_clock")


def complete(site, tid, login, data):
    with site.db.tx() as s:
        tasks.complete(
            s, task_id=tid, data=data, actor=factories.actor(s, login), settings=site.settings
        )


@pytest.fixture
def case(site):
    with site.db.tx() as s:
        factories.deploy(s, site.settings, "reopen")
        case_id = factories.start(s, site.settings, "reopen_case", reference="R-1").id
    assessment = task_id(site.db, case_id, "assessment")
    complete(site, assessment, "ville", ASSESSMENT)
    return case_id, assessment


def test_only_the_organisation_s_manager_is_offered_and_may_open_the_confirmation(site, case):
    _, assessment = case
    maija = site.as_user("maija")
    assert 'id="reopen-step"' in maija.get(f"/tasks/{assessment}").text
    assert maija.get(f"/tasks/{assessment}/reopen").status_code == 200
    ville = site.as_user("ville")
    assert 'id="reopen-step"' not in ville.get(f"/tasks/{assessment}").text
    assert ville.get(f"/tasks/{assessment}/reopen").status_code == 403
    refused = ville.post_form(
        f"/tasks/{assessment}/reopen", {"reopen_reason": "x"}, page=f"/tasks/{assessment}"
    )
    assert refused.status_code == 403


def test_once_the_county_has_acted_the_button_is_gone_and_a_post_is_told_why(site, case):
    case_id, assessment = case
    complete(site, task_id(site.db, case_id, "county"), "helmi", {"services": "Social work"})
    maija = site.as_user("maija", language="fi")
    assert 'id="reopen-step"' not in maija.get(f"/tasks/{assessment}").text
    answer = maija.post_form(
        f"/tasks/{assessment}/reopen",
        {"reopen_reason": "Asiakas muutti"},
        page=f"/tasks/{assessment}/reopen",
    )
    assert answer.status_code == 422
    assert "Tätä vaihetta ei voi enää avata uudelleen" in answer.text
