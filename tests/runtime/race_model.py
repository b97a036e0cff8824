"""A case that asks for a certificate, then waits for the reply or two weeks, whichever
comes first (an event-based gateway with a message and a timer branch)."""

from __future__ import annotations

from tests.model_xml import HEAD

RACE = (
    HEAD + '<bpmn:message id="m_reply" name="reply"/>'
    '<bpmn:process id="race" isExecutable="true">'
    '<bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Municipality">'
    "<bpmn:flowNodeRef>ask</bpmn:flowNodeRef><bpmn:flowNodeRef>remind</bpmn:flowNodeRef>"
    "</bpmn:lane></bpmn:laneSet>"
    '<bpmn:startEvent id="start"/>'
    '<bpmn:userTask id="ask" name="Ask for the certificate"/>'
    '<bpmn:eventBasedGateway id="which_first"/>'
    '<bpmn:intermediateCatchEvent id="reply_came">'
    '<bpmn:messageEventDefinition messageRef="m_reply"/></bpmn:intermediateCatchEvent>'
    '<bpmn:intermediateCatchEvent id="two_weeks"><bpmn:timerEventDefinition>'
    '<bpmn:timeDuration>"P14D"</bpmn:timeDuration></bpmn:timerEventDefinition>'
    "</bpmn:intermediateCatchEvent>"
    '<bpmn:userTask id="remind" name="Remind the client"/>'
    '<bpmn:endEvent id="received"/><bpmn:endEvent id="reminded"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="which_first"/>'
    '<bpmn:sequenceFlow id="f3" sourceRef="which_first" targetRef="reply_came"/>'
    '<bpmn:sequenceFlow id="f4" sourceRef="which_first" targetRef="two_weeks"/>'
    '<bpmn:sequenceFlow id="f5" sourceRef="reply_came" targetRef="received"/>'
    '<bpmn:sequenceFlow id="f6" sourceRef="two_weeks" targetRef="remind"/>'
    '<bpmn:sequenceFlow id="f7" sourceRef="remind" targetRef="reminded"/>'
    "</bpmn:process></bpmn:definitions>"
).encode()
