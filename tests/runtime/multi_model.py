"""A user task run once per item of a collection, in parallel or one after the other."""

from __future__ import annotations

from tests.model_xml import HEAD


def reviews(*, sequential: bool, form: str | None = None, output: bool = True) -> bytes:
    """Each reviewer in `reviewers` gets a task "review"; with `output`, each answer's
    `attended` fills `answers`, in the order of `reviewers`."""
    props = (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="formJsonSchemaFilename" value="{form}"/>'
        "</spiffworkflow:properties></bpmn:extensionElements>"
        if form
        else ""
    )
    return (
        HEAD + '<bpmn:process id="reviews" isExecutable="true">'
        '<bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Municipality">'
        "<bpmn:flowNodeRef>review</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
        '<bpmn:startEvent id="start"/>'
        f'<bpmn:userTask id="review" name="Review">{props}'
        f'<bpmn:multiInstanceLoopCharacteristics isSequential="{str(sequential).lower()}">'
        "<bpmn:loopDataInputRef>reviewers</bpmn:loopDataInputRef>"
        + ("<bpmn:loopDataOutputRef>answers</bpmn:loopDataOutputRef>" if output else "")
        + '<bpmn:inputDataItem id="reviewer"/>'
        + ('<bpmn:outputDataItem id="attended"/>' if output else "")
        + "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
        '<bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()
