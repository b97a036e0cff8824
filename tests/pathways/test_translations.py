"""Every text a caseworker sees in a form or a pathway step has a Finnish and a Swedish
translation: the English text is the message id (DESIGN.md, "Texts")."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from babel.messages.pofile import read_po
from lxml import etree

from tests.conftest import ROOT

FORM_TEXT_KEYS = ("title", "description", "ui:help")
# Named BPMN elements a person reads; messages are names for machines.
UNREAD = ("message", "property")


def _form_texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FORM_TEXT_KEYS and isinstance(value, str):
                yield value
            elif key == "ui:enumNames":
                yield from value
            else:
                yield from _form_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _form_texts(value)


def texts() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "forms").glob("*.json"):
        found.update(_form_texts(json.loads(path.read_text(encoding="utf-8"))))
    for path in (ROOT / "bpmn").glob("*.bpmn"):
        for element in etree.parse(str(path)).iter():
            name = element.get("name")
            if name and etree.QName(element).localname not in UNREAD:
                found.add(name)
            if etree.QName(element).localname == "userTask":  # "About this step"
                found.update(doc.text for doc in element if _is_documentation(doc) and doc.text)
    return found


def _is_documentation(element: Any) -> bool:
    return isinstance(element.tag, str) and etree.QName(element).localname == "documentation"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_form_and_step_text_is_translated(language):
    with (ROOT / "forms" / "locale" / f"{language}.po").open("rb") as po:
        catalog = read_po(po)
    translated = {m.id: m.string for m in catalog if m.id and not m.fuzzy}
    missing = sorted(t for t in texts() if not translated.get(t, "").strip())
    assert missing == []


def test_the_texts_include_form_labels_and_step_names():
    found = texts()
    assert {"Initial assessment", "Literate (Latin alphabet)", "Escalate late plan"} <= found
    assert "registered_as_jobseeker" not in found


def test_the_texts_include_what_a_task_page_says_about_its_step():
    assert any(t.startswith("Hold the initial interview with the client") for t in texts())


# A source label such as "[assumed]", "[law §34]" or "[oletus]": for designers, kept in
# docs/pathways.md ("Sources of the step texts"), never in what a caseworker reads.
SOURCE_LABEL = re.compile(r"\[[^\]]+\]")


def test_a_source_label_is_recognised_wherever_it_stands():
    assert SOURCE_LABEL.search("Answer within 10 working days [assumed]: agree")
    assert SOURCE_LABEL.search("(about 70 hours, multilingual [guidance; check decree])")
    assert not SOURCE_LABEL.search("Record no diagnoses: only what the plan needs.")


@pytest.mark.parametrize("language", ["en", "fi", "sv"])
def test_no_step_or_form_text_a_caseworker_sees_carries_a_source_label(language):
    shown = texts()
    if language != "en":
        with (ROOT / "forms" / "locale" / f"{language}.po").open("rb") as po:
            translated = {m.id: m.string for m in read_po(po) if m.id}
        shown = {translated.get(text) or text for text in shown}
    assert sorted(text for text in shown if SOURCE_LABEL.search(text)) == []
