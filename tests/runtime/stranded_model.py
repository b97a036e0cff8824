"""A pathway whose second branch may end before the join, which then waits for ever."""

from __future__ import annotations

from tests.model_xml import HEAD

STRANDED = (
    HEAD + '<bpmn:process id="stranded" isExecutable="true">'
    '<bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Municipality">'
    "<bpmn:flowNodeRef>work</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
    '<bpmn:startEvent id="start"/><bpmn:parallelGateway id="split"/>'
    '<bpmn:userTask id="work" name="Work"/>'
    '<bpmn:exclusiveGateway id="check" default="f_skip"/>'
    '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/><bpmn:endEvent id="skipped"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="work"/>'
    '<bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="check"/>'
    '<bpmn:sequenceFlow id="f4" sourceRef="work" targetRef="join"/>'
    '<bpmn:sequenceFlow id="f_go" sourceRef="check" targetRef="join">'
    "<bpmn:conditionExpression>go</bpmn:conditionExpression></bpmn:sequenceFlow>"
    '<bpmn:sequenceFlow id="f_skip" sourceRef="check" targetRef="skipped"/>'
    '<bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="end"/>'
    "</bpmn:process></bpmn:definitions>"
).encode()
