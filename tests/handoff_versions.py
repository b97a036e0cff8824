"""Versions of the hand-off model (tests/bpmn/handoff.bpmn) as a designer would save them."""

from __future__ import annotations

from pathlib import Path

HANDOFF = (Path(__file__).parent / "bpmn" / "handoff.bpmn").read_text()


def without_interview() -> bytes:
    """Version 2: a welcome step before guidance; guidance ends the pathway (no interview)."""
    text = HANDOFF
    for old, new in (
        ("<bpmn:flowNodeRef>interview</bpmn:flowNodeRef>", ""),
        (
            "<bpmn:flowNodeRef>start</bpmn:flowNodeRef>",
            "<bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>welcome</bpmn:flowNodeRef>",
        ),
        (
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="guidance"/>',
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="welcome"/>'
            '<bpmn:sequenceFlow id="f0" sourceRef="welcome" targetRef="guidance"/>',
        ),
        (
            '<bpmn:sequenceFlow id="f2" sourceRef="guidance" targetRef="interview"/>',
            '<bpmn:sequenceFlow id="f2" sourceRef="guidance" targetRef="done"/>',
        ),
        ('<bpmn:sequenceFlow id="f3" sourceRef="interview" targetRef="done"/>', ""),
    ):
        assert old in text, old
        text = text.replace(old, new)
    start = text.index('<bpmn:userTask id="interview"')
    end = text.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
    welcome = '<bpmn:userTask id="welcome" name="Welcome"/>'
    return (text[:start] + welcome + text[end:]).encode()


def broken() -> bytes:
    """Version 2 with a due time that is no duration on its new step."""
    text = without_interview().decode()
    return text.replace(
        '<bpmn:userTask id="welcome" name="Welcome"/>',
        '<bpmn:userTask id="welcome" name="Welcome"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="dueIn" value="soon"/>'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>",
    ).encode()
