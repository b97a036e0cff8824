"""A pathway that asks another authority for a decision and waits for the answer with
the same application id: the message "decision" is correlated on `application_id`."""

from __future__ import annotations

from tests.model_xml import HEAD

APPLICATION = "A-17"

CORRELATED = (
    HEAD + '<bpmn:collaboration id="collab"><bpmn:participant id="part" processRef="ask_decision"/>'
    '<bpmn:correlationKey name="application">'
    "<bpmn:correlationPropertyRef>application_id</bpmn:correlationPropertyRef>"
    "</bpmn:correlationKey></bpmn:collaboration>"
    '<bpmn:correlationProperty id="application_id" name="Application id">'
    '<bpmn:correlationPropertyRetrievalExpression messageRef="m_request">'
    "<bpmn:formalExpression>application_id</bpmn:formalExpression>"
    "</bpmn:correlationPropertyRetrievalExpression>"
    '<bpmn:correlationPropertyRetrievalExpression messageRef="m_decision">'
    "<bpmn:formalExpression>application_id</bpmn:formalExpression>"
    "</bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>"
    '<bpmn:message id="m_request" name="request"/>'
    '<bpmn:message id="m_decision" name="decision"/>'
    '<bpmn:process id="ask_decision" isExecutable="true">'
    '<bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Municipality">'
    "<bpmn:flowNodeRef>inform</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
    '<bpmn:startEvent id="start"/>'
    f'<bpmn:scriptTask id="number"><bpmn:script>application_id = "{APPLICATION}"</bpmn:script>'
    "</bpmn:scriptTask>"
    '<bpmn:intermediateThrowEvent id="send_request">'
    '<bpmn:messageEventDefinition messageRef="m_request"><bpmn:extensionElements>'
    '<spiffworkflow:messagePayload>{"application_id": application_id}'
    "</spiffworkflow:messagePayload></bpmn:extensionElements>"
    "</bpmn:messageEventDefinition></bpmn:intermediateThrowEvent>"
    '<bpmn:intermediateCatchEvent id="await_decision">'
    '<bpmn:messageEventDefinition messageRef="m_decision"><bpmn:extensionElements>'
    "<spiffworkflow:messageVariable>decision</spiffworkflow:messageVariable>"
    "</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>"
    '<bpmn:userTask id="inform" name="Inform the client"/>'
    '<bpmn:endEvent id="end"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="number"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="number" targetRef="send_request"/>'
    '<bpmn:sequenceFlow id="f3" sourceRef="send_request" targetRef="await_decision"/>'
    '<bpmn:sequenceFlow id="f4" sourceRef="await_decision" targetRef="inform"/>'
    '<bpmn:sequenceFlow id="f5" sourceRef="inform" targetRef="end"/>'
    "</bpmn:process></bpmn:definitions>"
).encode()
