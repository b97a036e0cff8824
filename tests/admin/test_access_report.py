"""A client's access report: who read their data, when and why; for the caseworkers of the
organisations that serve the client, and administrators; itself a recorded read."""

from __future__ import annotations

import httpx

from tests.api.conftest import PASSWORD


def _session_api(site, login: str) -> httpx.Client:
    client = httpx.Client(base_url=site.url, timeout=30)
    answer = client.post("/api/session", json={"login": login, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client


def test_a_caseworker_of_the_clients_team_sees_every_read_with_its_purpose(site):
    anna = site.as_user("anna")  # Barsby serves C-1
    anna.get("/cases/1")
    ville = _session_api(site, "ville")  # Westland employment area, in C-1's team too
    assert (
        ville.get("/api/instances/1", headers={"X-Purpose": "benefit decision"}).status_code == 200
    )

    page = anna.get("/clients/C-1/access-report")
    assert page.status_code == 200
    assert "Who has read your data" in page.text
    assert "Anna Aalto" in page.text and "Opened the case to handle it" in page.text
    assert "Ville Virtanen" in page.text and "benefit decision" in page.text
    assert "Westland employment area" in page.text
    assert 'id="print-report"' in page.text and "/static/print.js" in page.text

    report = ville.get("/api/clients/C-1/access-report").json()
    assert report["reference"] == "C-1" and report["made_by"] == "ville"
    purposes = [(r["reader"], r["purpose"]) for r in report["reads"]]
    assert ("anna", "case page") in purposes and ("ville", "benefit decision") in purposes
    ville.close()


def test_others_are_refused_before_learning_whether_the_client_exists(site):
    olli = site.as_user("olli")  # Ostby: not in C-1's team
    assert olli.get("/clients/C-1/access-report").status_code == 403
    assert olli.get("/clients/NOBODY/access-report").status_code == 403
    assert site.as_user("dana").get("/clients/C-1/access-report").status_code == 403
    api = _session_api(site, "olli")
    assert api.get("/api/clients/C-1/access-report").status_code == 403
    assert api.get("/api/clients/NOBODY/access-report").status_code == 403
    api.close()


def test_an_admin_reads_any_clients_report_and_making_it_is_logged(site):
    admin = site.as_user("admin")
    assert admin.get("/clients/C-2/access-report").status_code == 200
    assert admin.get("/clients/NOBODY/access-report").status_code == 404
    log = admin.get("/audit?action=client.access_report").text
    assert "client: C-2" in log
