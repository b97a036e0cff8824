"""A model's problems over the API: `message` in English as the CLI says it, `text` in
the caller's language (the language switch's cookie, else Accept-Language), with the
model's own names and values shown as they are."""

from __future__ import annotations

import re

import pytest

from tests.model_xml import HEAD

# Five problems: a lane naming no organisation kind, a step in no lane and naming a form
# that does not exist, a reopenable that is not a boolean and a timer a thousand years
# away. The names are Finnish on purpose.
MODEL = (
    HEAD + '<bpmn:process id="kielet" name="Kielet" isExecutable="true">'
    "<bpmn:laneSet><bpmn:lane id="
    '"lane_kunta" name="Municipality"><bpmn:flowNodeRef>alku</bpmn:flowNodeRef>'
    "<bpmn:flowNodeRef>haastattelu</bpmn:flowNodeRef><bpmn:flowNodeRef>loppu</bpmn:flowNodeRef>"
    '</bpmn:lane><bpmn:lane id="lane_kuu" name="Kuuasema">'
    "<bpmn:flowNodeRef>suunnitelma</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
    '<bpmn:startEvent id="alku"/>'
    '<bpmn:userTask id="haastattelu" name="Haastattelu"><bpmn:extensionElements>'
    '<spiffworkflow:properties><spiffworkflow:property name="reopenable" value="ehkä"/>'
    "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
    '<bpmn:boundaryEvent id="myohassa" attachedToRef="haastattelu" cancelActivity="false">'
    '<bpmn:timerEventDefinition><bpmn:timeDuration>"P1000Y"</bpmn:timeDuration>'
    "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    '<bpmn:endEvent id="muistutus"/>'
    '<bpmn:userTask id="suunnitelma" name="Suunnitelma"/>'
    '<bpmn:userTask id="arvio" name="Arvio"><bpmn:extensionElements><spiffworkflow:properties>'
    '<spiffworkflow:property name="formJsonSchemaFilename" value="puuttuu.schema.json"/>'
    "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
    '<bpmn:endEvent id="loppu"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="alku" targetRef="haastattelu"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="haastattelu" targetRef="suunnitelma"/>'
    '<bpmn:sequenceFlow id="f3" sourceRef="suunnitelma" targetRef="arvio"/>'
    '<bpmn:sequenceFlow id="f4" sourceRef="arvio" targetRef="loppu"/>'
    '<bpmn:sequenceFlow id="f5" sourceRef="myohassa" targetRef="muistutus"/>'
    "</bpmn:process></bpmn:definitions>"
).encode()

# Words of the English templates that no Finnish or Swedish text of them contains.
ENGLISH = re.compile(
    r"\b(the|is|not|of|which|neither|nor|step|steps|lane|names|timer|value|years|away|put|each"
    r"|kind|code|called|does)\b",
    re.I,
)


def save(client, *, deploy: bool, language: str):
    return client.post(
        "/api/models/kielet/versions",
        content=MODEL,
        headers={"Content-Type": "application/xml", "Accept-Language": language},
        params={"deploy": str(deploy).lower()},
    )


def assert_in_language(problems: list[dict]) -> None:
    assert len(problems) >= 5, problems
    for problem in problems:
        assert problem["text"] != problem["message"]
        assert not ENGLISH.findall(problem["text"]), problem["text"]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_refused_model_lists_its_problems_in_the_callers_language(api, language):
    answer = save(api.integrator("dana"), deploy=True, language=language)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problems = answer.json()["problems"]
    assert_in_language(problems)
    # `message` and `detail` stay English, for scripts and the CLI.
    assert any("names no organisation kind" in p["message"] for p in problems)
    assert answer.json()["detail"].endswith(f"(and {len(problems) - 1} more)")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_draft_and_its_problems_route_give_the_text_in_the_callers_language(api, language):
    dana = api.integrator("dana")
    saved = save(dana, deploy=False, language=language)
    assert saved.status_code == 201, saved.text
    assert_in_language(saved.json()[0]["problems"])
    number = saved.json()[0]["version"]
    listed = dana.get(
        f"/api/models/kielet/versions/{number}/problems", headers={"Accept-Language": language}
    )
    assert listed.status_code == 200
    assert_in_language(listed.json())


def test_names_and_values_from_the_model_are_shown_as_they_are(api):
    problems = save(api.integrator("dana"), deploy=True, language="fi").json()["problems"]
    texts = {p["element_id"]: p["text"] for p in problems}
    finnish = " ".join(p["text"] for p in problems)
    assert "'Kuuasema'" in finnish and "'Suunnitelma' (suunnitelma)" in finnish
    assert "'ehkä'" in texts["haastattelu"]
    assert "lomaketta ei ole" in finnish
    assert "kaista" in finnish and "vaihe" in finnish


def test_the_language_switch_wins_over_the_browser_and_english_is_the_message(api):
    dana = api.browser("dana")
    dana.cookies.set("lang", "sv")
    swedish = save(dana, deploy=True, language="fi").json()["problems"]
    assert any("bana" in p["text"] for p in swedish)
    english = save(api.integrator("dana"), deploy=True, language="en").json()["problems"]
    assert all(p["text"] == p["message"] for p in english)
