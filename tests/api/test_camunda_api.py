"""The designer's upload of a Camunda 7 model: converted over HTTP, kept only when saved."""

from __future__ import annotations

from pathlib import Path

CAMUNDA = Path(__file__).parents[1] / "bpmn" / "camunda"
INTAKE = (CAMUNDA / "intake.bpmn").read_text(encoding="utf-8")


def test_a_designer_gets_the_converted_model_its_forms_and_its_groups(api):
    designer = api.integrator("dana")
    answer = designer.post(
        "/api/models/camunda-conversions",
        json={"bpmn": INTAKE, "groups": {"social-office": "municipality"}},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["groups"] == ["social-office", "te-office"]
    assert "Lane_municipality" in body["bpmn"]
    assert sorted(body["forms"]) == ["interview.schema.json", "interview.uischema.json"]
    assert body["problems"] == [
        {
            "element_id": "housing",
            "message": "candidate group 'te-office' is not mapped to an organisation kind: add"
            ' "te-office": "<kind>" to the group map (kinds: municipality, wellbeing_county,'
            " employment_area, economic_development_centre, kela, education_provider, third_sector)",
            # No Accept-Language: the pages' language, Finnish.
            "text": "ehdokasryhmää 'te-office' ei ole yhdistetty organisaatiotyyppiin: lisää"
            ' ryhmäkarttaan "te-office": "<tyyppi>" (tyypit: municipality, wellbeing_county,'
            " employment_area, economic_development_centre, kela, education_provider, third_sector)",
        }
    ]
    assert {"element_id": "interview", "message": (
        "camunda:asyncBefore dropped: each step already commits when the case waits"
    ), "text": (
        "camunda:asyncBefore jätetty pois: jokainen vaihe tallentuu jo, kun asia odottaa"
    )} in body["notes"]  # fmt: skip


def test_a_caseworker_may_not_convert_models(api):
    answer = api.integrator("anna").post("/api/models/camunda-conversions", json={"bpmn": INTAKE})
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_file_that_is_not_bpmn_is_a_422_problem(api):
    answer = api.integrator("dana").post(
        "/api/models/camunda-conversions", json={"bpmn": "<not-bpmn/>"}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "BPMN 2.0 definitions" in answer.text
