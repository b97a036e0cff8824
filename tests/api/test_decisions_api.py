"""A designer saves a model with its decision tables over HTTP and reads them back."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).parents[1]
MODEL = (TESTS / "bpmn" / "decide.bpmn").read_text()
TABLES = {p.name: p.read_text() for p in sorted((TESTS / "dmn").glob("*.dmn"))}


def upload(**replaced: str) -> dict:
    tables = {**TABLES, **replaced}
    return {"bpmn": MODEL, "decisions": [{"name": n, "xml": x} for n, x in tables.items()]}


def test_a_model_saved_with_its_tables_lists_them_and_serves_each_file(api):
    dana = api.browser("dana")
    saved = dana.post("/api/models/decide/versions", json=upload())
    assert saved.status_code == 201, saved.text
    assert saved.json()[0]["problems"] == []
    listed = dana.get("/api/models/decide/versions/1/decisions").json()
    assert listed == [
        {"decision_id": "collect_offices", "file_name": "collect_offices.dmn"},
        {"decision_id": "first_service", "file_name": "first_service.dmn"},
        {"decision_id": "support_level", "file_name": "support_level.dmn"},
    ]
    table = dana.get("/api/models/decide/versions/1/decisions/support_level")
    assert table.status_code == 200
    assert table.headers["content-type"].startswith("application/xml")
    assert table.text == TABLES["support_level.dmn"]
    missing = dana.get("/api/models/decide/versions/1/decisions/nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"

    # A save of the XML alone keeps the tables of the version it edits.
    etag = saved.headers["ETag"]
    renamed = MODEL.replace("Review the decision", "Check the decision")
    again = dana.post(
        "/api/models/decide/versions",
        content=renamed,
        headers={"Content-Type": "application/xml", "If-Match": etag},
    )
    assert again.status_code == 201, again.text
    assert len(dana.get("/api/models/decide/versions/2/decisions").json()) == 3


def test_tables_with_problems_or_a_doctype_are_refused_and_bad_bodies_get_a_reason(api):
    dana = api.browser("dana")
    policy = TABLES["support_level.dmn"].replace('hitPolicy="UNIQUE"', 'hitPolicy="PRIORITY"')
    refused = dana.post("/api/models/decide/versions", json=upload(**{"support_level.dmn": policy}))
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["problems"] == [
        {
            "element_id": "support_level",
            "message": "decision 'support_level': hit policy PRIORITY is not supported"
            " (use one of: UNIQUE, FIRST, COLLECT)",
            # No Accept-Language: the pages' language, Finnish.
            "text": "päätös 'support_level': osumasääntö PRIORITY ei ole tuettu"
            " (käytä jotakin näistä: UNIQUE, FIRST, COLLECT)",
        }
    ]
    entity = '<!DOCTYPE d [<!ENTITY h SYSTEM "file:///etc/hostname">]>'
    hostile = TABLES["support_level.dmn"].replace("?>", "?>" + entity, 1)
    answer = dana.post("/api/models/decide/versions", json=upload(**{"support_level.dmn": hostile}))
    assert answer.status_code == 422
    assert answer.json()["problems"] == [
        {
            "element_id": None,
            "message": "support_level.dmn: a DOCTYPE is not allowed in a DMN file",
            "text": "support_level.dmn: DOCTYPE ei ole sallittu DMN-tiedostossa",
        }
    ]
    bad_name = upload()
    bad_name["decisions"][0]["name"] = "../../etc/passwd"
    answer = dana.post("/api/models/decide/versions", json=bad_name)
    assert answer.status_code == 422
    assert answer.json()["errors"][0].startswith("decisions.0.name:")
    assert dana.get("/api/models/decide").status_code == 404
