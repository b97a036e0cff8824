"""A designer starts a new pathway from the models list: a blank hand-off between two
organisations or a copy of a shipped pathway, with a key and a name. It begins as a
draft, version 1, that the modeler opens; bad input is refused with the reason in the
page's language and nothing is created."""

from __future__ import annotations

import json

from sqlalchemy import select

from pathways.processes.models import ProcessModel, ProcessVersion


def versions(site, key):
    with site.db.tx() as s:
        return [
            (v.number, v.state, v.created_by)
            for v in s.scalars(
                select(ProcessVersion).join(ProcessModel).where(ProcessModel.key == key)
            )
        ]


def test_a_blank_hand_off_becomes_a_draft_that_the_modeler_opens(site):
    dana = site.as_user("dana")
    listed = dana.get("/models")
    assert "Blank: a hand-off between two organisations" in listed.text
    assert "Copy of: Jobseeker integration pathway" in listed.text
    made = dana.post_form(
        "/models",
        {"starting_point": "blank-handoff", "key": "welcome", "name": "Welcome pathway"},
        page="/models",
    )
    assert made.status_code == 303 and made.headers["location"] == "/models/welcome"
    assert versions(site, "welcome") == [(1, "draft", "dana")]
    xml = dana.get("/api/models/welcome/versions/1/bpmn").text
    assert '<bpmn:process id="welcome" name="Welcome pathway"' in xml
    assert 'processRef="welcome"' in xml
    problems = dana.get("/api/models/welcome/versions/1/problems").json()
    assert problems == []
    assert "Welcome pathway" in dana.get("/models/welcome").text


def test_a_copy_of_a_shipped_pathway_keeps_its_steps_under_the_new_key(site):
    dana = site.as_user("dana")
    made = dana.post_form(
        "/models",
        {"starting_point": "integration-plan", "key": "plan_pilot", "name": "Plan pilot"},
        page="/models",
    )
    assert made.status_code == 303, made.text
    xml = dana.get("/api/models/plan_pilot/versions/1/bpmn").text
    assert 'id="plan_pilot"' in xml and 'id="integration_plan"' not in xml
    assert 'userTask id="Task_integration_plan"' in xml  # steps keep their ids
    assert 'userTask id="Task_county_joins"' in xml
    assert versions(site, "integration_plan") == []  # the shipped pathway is not touched


def test_a_taken_key_or_a_bad_key_is_refused_in_the_pages_language(site):
    dana = site.as_user("dana", language="fi")
    taken = dana.post_form(
        "/models",
        {"starting_point": "blank-handoff", "key": "handoff", "name": "Toinen"},
        page="/models",
    )
    assert taken.status_code == 409
    assert "Tällä tunnuksella on jo palvelupolku." in taken.text
    assert versions(site, "handoff") == [(1, "deployed", "operator")]
    bad = dana.post_form(
        "/models",
        {"starting_point": "blank-handoff", "key": "Not A Key", "name": "Uusi"},
        page="/models",
    )
    assert bad.status_code == 422
    assert "Valitse lähtökohta" in bad.text
    assert 'value="Not A Key"' in bad.text  # what was typed is kept


def test_only_designers_create_pathways(site):
    anna = site.as_user("anna")
    refused = anna.post_form(
        "/models",
        {"starting_point": "blank-handoff", "key": "sneaky", "name": "Sneaky"},
        page="/",
    )
    assert refused.status_code == 403
    assert versions(site, "sneaky") == []


def test_the_models_list_and_the_modeler_speak_swedish(site):
    dana = site.as_user("dana", language="sv")
    listed = dana.get("/models").text
    assert "Ny servicestig" in listed
    assert "Tom: överlämning mellan två organisationer" in listed
    modeler = dana.get("/models/handoff").text
    assert "Provkörning" in modeler and "Flytta pågående ärenden" in modeler
    texts = json.loads(modeler.split('id="modeler-texts">')[1].split("</script>")[0])
    assert texts["confirm_deploy"] == "Ta version {n} i bruk? Nya ärenden börjar på version {n}."
