"""Tiny models for error and escalation payloads, conditional events and data objects."""

from __future__ import annotations

from tests.model_xml import HEAD

_ERRORS = (
    '<bpmn:error id="e_ineligible" name="ineligible" errorCode="INELIGIBLE">'
    "<bpmn:extensionElements>"
    '<spiffworkflow:payloadExpression>{"reason": reason}</spiffworkflow:payloadExpression>'
    "<spiffworkflow:variableName>refusal</spiffworkflow:variableName>"
    "</bpmn:extensionElements></bpmn:error>"
    '<bpmn:escalation id="x_late" name="late" escalationCode="LATE">'
    "<bpmn:extensionElements>"
    '<spiffworkflow:payloadExpression>{"days": days}</spiffworkflow:payloadExpression>'
    "<spiffworkflow:variableName>delay</spiffworkflow:variableName>"
    "</bpmn:extensionElements></bpmn:escalation>"
)

# check (subprocess): compute → [escalate "late" if days > 10] → error end "ineligible"
# unless eligible. Boundary events: error → explain; escalation (non-interrupting) → notify.
ERROR_PAYLOAD = (
    HEAD + _ERRORS + '<bpmn:process id="eligibility" isExecutable="true">'
    '<bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Municipality">'
    "<bpmn:flowNodeRef>check</bpmn:flowNodeRef><bpmn:flowNodeRef>explain</bpmn:flowNodeRef>"
    "<bpmn:flowNodeRef>notify</bpmn:flowNodeRef><bpmn:flowNodeRef>welcome</bpmn:flowNodeRef>"
    "</bpmn:lane></bpmn:laneSet>"
    '<bpmn:startEvent id="start"/>'
    '<bpmn:subProcess id="check" name="Check eligibility">'
    '<bpmn:startEvent id="check_start"/>'
    '<bpmn:scriptTask id="compute"><bpmn:script>reason = "income above the limit"\n'
    "days = 12</bpmn:script></bpmn:scriptTask>"
    '<bpmn:intermediateThrowEvent id="raise_late">'
    '<bpmn:escalationEventDefinition escalationRef="x_late"/></bpmn:intermediateThrowEvent>'
    '<bpmn:exclusiveGateway id="eligible_q" default="f_no"/>'
    '<bpmn:endEvent id="refuse"><bpmn:errorEventDefinition errorRef="e_ineligible"/>'
    "</bpmn:endEvent>"
    '<bpmn:endEvent id="check_end"/>'
    '<bpmn:sequenceFlow id="s1" sourceRef="check_start" targetRef="compute"/>'
    '<bpmn:sequenceFlow id="s2" sourceRef="compute" targetRef="raise_late"/>'
    '<bpmn:sequenceFlow id="s3" sourceRef="raise_late" targetRef="eligible_q"/>'
    '<bpmn:sequenceFlow id="f_yes" sourceRef="eligible_q" targetRef="check_end">'
    "<bpmn:conditionExpression>eligible</bpmn:conditionExpression></bpmn:sequenceFlow>"
    '<bpmn:sequenceFlow id="f_no" sourceRef="eligible_q" targetRef="refuse"/>'
    "</bpmn:subProcess>"
    '<bpmn:boundaryEvent id="ineligible" attachedToRef="check">'
    '<bpmn:errorEventDefinition errorRef="e_ineligible"/></bpmn:boundaryEvent>'
    '<bpmn:boundaryEvent id="late" attachedToRef="check" cancelActivity="false">'
    '<bpmn:escalationEventDefinition escalationRef="x_late"/></bpmn:boundaryEvent>'
    '<bpmn:userTask id="explain" name="Explain the decision"/>'
    '<bpmn:userTask id="notify" name="Tell the client about the delay"/>'
    '<bpmn:userTask id="welcome" name="Welcome"/>'
    '<bpmn:endEvent id="refused"/><bpmn:endEvent id="notified"/><bpmn:endEvent id="done"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="welcome"/>'
    '<bpmn:sequenceFlow id="f3" sourceRef="welcome" targetRef="done"/>'
    '<bpmn:sequenceFlow id="f4" sourceRef="ineligible" targetRef="explain"/>'
    '<bpmn:sequenceFlow id="f5" sourceRef="explain" targetRef="refused"/>'
    '<bpmn:sequenceFlow id="f6" sourceRef="late" targetRef="notify"/>'
    '<bpmn:sequenceFlow id="f7" sourceRef="notify" targetRef="notified"/>'
    "</bpmn:process></bpmn:definitions>"
).encode()

# A data object "attended" set to False by a script, written by the form of "attend";
# in a parallel branch a conditional event waits until it is true, then "follow_up";
# after the join a script reads it into `summary`.
CONDITIONAL = (
    HEAD + '<bpmn:process id="attendance" isExecutable="true">'
    '<bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Municipality">'
    "<bpmn:flowNodeRef>attend</bpmn:flowNodeRef><bpmn:flowNodeRef>follow_up</bpmn:flowNodeRef>"
    "</bpmn:lane></bpmn:laneSet>"
    '<bpmn:dataObject id="attended"/>'
    '<bpmn:dataObjectReference id="attended_ref" dataObjectRef="attended"/>'
    '<bpmn:startEvent id="start"/>'
    '<bpmn:scriptTask id="init"><bpmn:dataOutputAssociation id="o1">'
    "<bpmn:targetRef>attended_ref</bpmn:targetRef></bpmn:dataOutputAssociation>"
    "<bpmn:script>attended = False</bpmn:script></bpmn:scriptTask>"
    '<bpmn:parallelGateway id="split"/>'
    '<bpmn:userTask id="attend" name="Record attendance"><bpmn:extensionElements>'
    "<spiffworkflow:properties>"
    '<spiffworkflow:property name="formJsonSchemaFilename" value="activity.schema.json"/>'
    "</spiffworkflow:properties></bpmn:extensionElements>"
    '<bpmn:dataOutputAssociation id="o2"><bpmn:targetRef>attended_ref</bpmn:targetRef>'
    "</bpmn:dataOutputAssociation></bpmn:userTask>"
    '<bpmn:intermediateCatchEvent id="once_attended">'
    "<bpmn:conditionalEventDefinition><bpmn:condition>attended</bpmn:condition>"
    "</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>"
    '<bpmn:userTask id="follow_up" name="Follow up"/>'
    '<bpmn:parallelGateway id="join"/>'
    '<bpmn:scriptTask id="summarise">'
    '<bpmn:property id="summarise_in" name="__targetRef_placeholder"/>'
    '<bpmn:dataInputAssociation id="i1"><bpmn:sourceRef>attended_ref</bpmn:sourceRef>'
    "<bpmn:targetRef>summarise_in</bpmn:targetRef></bpmn:dataInputAssociation>"
    '<bpmn:script>summary = "attended" if attended else "absent"</bpmn:script>'
    "</bpmn:scriptTask>"
    '<bpmn:endEvent id="end"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="init"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="init" targetRef="split"/>'
    '<bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="attend"/>'
    '<bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="once_attended"/>'
    '<bpmn:sequenceFlow id="f5" sourceRef="once_attended" targetRef="follow_up"/>'
    '<bpmn:sequenceFlow id="f6" sourceRef="attend" targetRef="join"/>'
    '<bpmn:sequenceFlow id="f7" sourceRef="follow_up" targetRef="join"/>'
    '<bpmn:sequenceFlow id="f8" sourceRef="join" targetRef="summarise"/>'
    '<bpmn:sequenceFlow id="f9" sourceRef="summarise" targetRef="end"/>'
    "</bpmn:process></bpmn:definitions>"
).encode()

# "wait_here" is interrupted by a conditional boundary event once the data object
# "attended", False at first, is written true by "attend" in the parallel branch.
BOUNDARY_CONDITION = (
    HEAD + '<bpmn:process id="interrupted" isExecutable="true">'
    '<bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Municipality">'
    "<bpmn:flowNodeRef>wait_here</bpmn:flowNodeRef><bpmn:flowNodeRef>attend</bpmn:flowNodeRef>"
    "</bpmn:lane></bpmn:laneSet>"
    '<bpmn:dataObject id="attended"/>'
    '<bpmn:dataObjectReference id="attended_ref" dataObjectRef="attended"/>'
    '<bpmn:startEvent id="start"/>'
    '<bpmn:scriptTask id="init"><bpmn:dataOutputAssociation id="o1">'
    "<bpmn:targetRef>attended_ref</bpmn:targetRef></bpmn:dataOutputAssociation>"
    "<bpmn:script>attended = False</bpmn:script></bpmn:scriptTask>"
    '<bpmn:parallelGateway id="split"/>'
    '<bpmn:userTask id="wait_here" name="Wait for attendance"/>'
    '<bpmn:boundaryEvent id="attended_now" attachedToRef="wait_here">'
    "<bpmn:conditionalEventDefinition><bpmn:condition>attended</bpmn:condition>"
    "</bpmn:conditionalEventDefinition></bpmn:boundaryEvent>"
    '<bpmn:userTask id="attend" name="Record attendance"><bpmn:extensionElements>'
    "<spiffworkflow:properties>"
    '<spiffworkflow:property name="formJsonSchemaFilename" value="activity.schema.json"/>'
    "</spiffworkflow:properties></bpmn:extensionElements>"
    '<bpmn:dataOutputAssociation id="o2"><bpmn:targetRef>attended_ref</bpmn:targetRef>'
    "</bpmn:dataOutputAssociation></bpmn:userTask>"
    '<bpmn:endEvent id="waited"/><bpmn:endEvent id="interrupted_end"/>'
    '<bpmn:endEvent id="recorded"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="init"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="init" targetRef="split"/>'
    '<bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="wait_here"/>'
    '<bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="attend"/>'
    '<bpmn:sequenceFlow id="f5" sourceRef="wait_here" targetRef="waited"/>'
    '<bpmn:sequenceFlow id="f6" sourceRef="attended_now" targetRef="interrupted_end"/>'
    '<bpmn:sequenceFlow id="f7" sourceRef="attend" targetRef="recorded"/>'
    "</bpmn:process></bpmn:definitions>"
).encode()
