"""Tiny BPMN documents built in tests, for the many variants of one shape."""

from __future__ import annotations

from xml.sax.saxutils import escape

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
    ' id="defs" targetNamespace="http://pathways.example/test">'
)


def one_step(
    *,
    lane: str = "Municipality",
    form: str | None = None,
    script: str | None = None,
    condition: str | None = None,
    timer: str | None = None,
    timer_kind: str = "timeDuration",
    due_in: str | None = None,
    process_id: str = "one_step",
) -> bytes:
    """start → [script] → user task "work" (in `lane`) → [gateway on `condition`] → end."""
    props = ""
    if form or due_in:
        items = "".join(
            f'<spiffworkflow:property name="{k}" value="{escape(v)}"/>'
            for k, v in (("formJsonSchemaFilename", form), ("dueIn", due_in))
            if v
        )
        props = f"<bpmn:extensionElements><spiffworkflow:properties>{items}</spiffworkflow:properties></bpmn:extensionElements>"
    nodes = (
        ["start", "work", "end"]
        + (["script"] if script else [])
        + (["gate", "other"] if condition else [])
    )
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)
    body = ['<bpmn:startEvent id="start"/>']
    flows = []
    first = "script" if script else "work"
    flows.append(("f_start", "start", first, None))
    if script:
        body.append(
            f'<bpmn:scriptTask id="script" name="Compute"><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>'
        )
        flows.append(("f_script", "script", "work", None))
    body.append(f'<bpmn:userTask id="work" name="Work">{props}</bpmn:userTask>')
    if timer:
        body.append(
            '<bpmn:boundaryEvent id="deadline" attachedToRef="work" cancelActivity="false">'
            f"<bpmn:timerEventDefinition><bpmn:{timer_kind}>{escape(timer)}</bpmn:{timer_kind}>"
            '</bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:endEvent id="late"/>'
        )
        flows.append(("f_late", "deadline", "late", None))
    if condition:
        body.append(
            '<bpmn:exclusiveGateway id="gate" default="f_default"/><bpmn:userTask id="other" name="Other"/>'
        )
        flows += [
            ("f_gate", "work", "gate", None),
            ("f_cond", "gate", "other", condition),
            ("f_default", "gate", "end", None),
            ("f_other", "other", "end", None),
        ]
    else:
        flows.append(("f_work", "work", "end", None))
    body.append('<bpmn:endEvent id="end"/>')
    flow_xml = "".join(
        f'<bpmn:sequenceFlow id="{i}" sourceRef="{s}" targetRef="{t}">'
        + (f"<bpmn:conditionExpression>{escape(c)}</bpmn:conditionExpression>" if c else "")
        + "</bpmn:sequenceFlow>"
        for i, s, t, c in flows
    )
    return (
        HEAD
        + f'<bpmn:process id="{process_id}" name="One step" isExecutable="true">'
        + f'<bpmn:laneSet id="ls"><bpmn:lane id="lane" name="{escape(lane)}">{refs}</bpmn:lane></bpmn:laneSet>'
        + "".join(body)
        + flow_xml
        + "</bpmn:process></bpmn:definitions>"
    ).encode()
