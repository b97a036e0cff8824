"""Walking a Camunda 7 model and rewriting what has a Pathways equivalent.

Each Camunda attribute or extension is converted, dropped with a note (harmless for
Pathways) or named in a problem with the fix. The input is parsed with the engine's
safe parser (entities, DTDs and network off); the output is written with lxml.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from pathways.engine.bpmn_xml import parse_bpmn
from pathways.errors import N_, Problem, Text
from pathways.organisation_kinds import ENGLISH_NAMES, OrganisationKind, kind_for_lane
from pathways.processes.camunda import expressions
from pathways.processes.camunda.forms import CAMUNDA_NS, form_for

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_B, _C, _S = f"{{{BPMN_NS}}}", f"{{{CAMUNDA_NS}}}", f"{{{SPIFF_NS}}}"

# Attributes Pathways has no use for and loses nothing by dropping: why, for the note.
HARMLESS = {
    "asyncBefore": N_("each step already commits when the case waits"),
    "asyncAfter": N_("each step already commits when the case waits"),
    "exclusive": N_("each step already commits when the case waits"),
    "jobPriority": N_("Pathways has no job executor"),
    "taskPriority": N_("Pathways has no job executor"),
    "historyTimeToLive": N_("the audit log keeps the history"),
    "versionTag": N_("Pathways numbers versions itself"),
    "isStartableInTasklist": N_("cases are started for a client"),
    "candidateStarterGroups": N_("designers and integrators start cases"),
    "candidateStarterUsers": N_("designers and integrators start cases"),
    "assignee": N_("tasks are claimed from their organisation's queue"),
    "candidateUsers": N_("tasks are claimed from their organisation's queue"),
    "priority": N_("queues are ordered by due date"),
    "followUpDate": N_("deadlines come from dueIn"),
    "initiator": N_("the audit log records who started a case"),
    "formHandlerClass": N_("forms are JSON Schema"),
}
# Extensions whose behaviour Pathways cannot reproduce: the fix to name.
UNSUPPORTED = {
    "executionListener": N_("move its work into a script task or a service task"),
    "taskListener": N_("move its work into a script task, or into the task's form and a gateway"),
    "connector": N_("call the system from a service task Pathways knows"),
    "inputOutput": N_("set the variables in a script task before the step"),
    "in": N_("call activities share the case data: remove the mapping"),
    "out": N_("call activities share the case data: remove the mapping"),
    "field": N_("injected fields have no Pathways equivalent: use a script task"),
    "failedJobRetryTimeCycle": N_("Pathways retries failing timers and opens an incident"),
    "errorEventDefinition": N_("catch the error with a boundary error event"),
    "class": N_("Java delegates do not run here: use a script task (Python) or a service task"),
    "delegateExpression": N_("delegate beans do not run here: use a script task (Python)"),
    "expression": N_("JUEL method calls do not run here: use a script task (Python)"),
    "type": N_("external tasks have no worker here: use a service task or a user task"),
    "topic": N_("external tasks have no worker here: use a service task or a user task"),
    "resultVariable": N_("set the variable in a script task"),
    "formKey": N_("name a JSON Schema form (formJsonSchemaFilename) or use camunda:formField"),
    "calledElementBinding": N_("Pathways calls the deployed version"),
    "calledElementVersion": N_("Pathways calls the deployed version"),
    "decisionRefBinding": N_("Pathways calls the deployed decision"),
    "mapDecisionResult": N_("the decision's result is set as the DMN names it"),
    "caseRef": N_("CMMN cases do not run here"),
}


@dataclass
class Conversion:
    """The converted model, the forms it names, and what the designer must know."""

    xml: bytes = b""
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # every candidate group, for a group map


def convert(
    data: bytes, *, groups: Mapping[str, str], max_bytes: int, key: str | None = None
) -> Conversion:
    """Convert a Camunda 7 BPMN file; `groups` maps candidate groups to organisation kinds.

    With `key`, a file of one process gets that process id (the model it is uploaded to).
    """
    root = parse_bpmn(data, max_bytes=max_bytes)
    conversion = Conversion()
    if key is not None:
        _rename_process(root, key, conversion)
    for process in root.iterfind(f"{_B}process"):
        _Process(process, groups, conversion).convert()
    root = _with_spiff_namespace(root)
    _drop_layout_whitespace(root)
    conversion.xml = etree.tostring(
        root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return conversion


class _Process:
    def __init__(
        self,
        process: etree._Element,
        groups: Mapping[str, str],
        out: Conversion,
    ) -> None:
        self.process, self.groups, self.out = process, groups, out
        self.lanes: dict[OrganisationKind, list[str]] = {}

    def convert(self) -> None:
        for element in list(self.process.iter()):
            if not isinstance(element.tag, str):
                continue
            self._attributes(element)
            if element.tag == f"{_B}extensionElements":
                self._extensions(element)
            elif element.tag == f"{_B}conditionExpression":
                self._condition(element)
            elif element.tag in (f"{_B}timeDuration", f"{_B}timeDate", f"{_B}timeCycle"):
                self._timer(element)
            elif element.tag == f"{_B}scriptTask":
                self._script(element)
        if self.lanes:
            self._write_lanes()

    def problem(self, template: str, element: etree._Element, **params: str | Text) -> None:
        self.out.problems.append(Problem(template, _owner_id(element), **params))

    def note(self, template: str, element: etree._Element, **params: str | Text) -> None:
        self.out.notes.append(Problem(template, _owner_id(element), **params))

    # ------------------------------------------------------------------ attributes

    def _attributes(self, element: etree._Element) -> None:
        for qualified in [str(a) for a in element.attrib if str(a).startswith(_C)]:
            name, value = qualified[len(_C) :], str(element.attrib.pop(qualified))
            handler = getattr(self, f"_attr_{name}", None)
            if handler is not None:
                handler(element, value)
            elif name in HARMLESS:
                why = Text(HARMLESS[name])
                self.note(N_("camunda:{name} dropped: {why}"), element, name=name, why=why)
            else:
                self.problem(
                    N_("camunda:{name} '{value}' cannot be converted: {fix}"),
                    element,
                    name=name,
                    value=value[:60],
                    fix=_fix(name),
                )

    def _attr_candidateGroups(self, task: etree._Element, value: str) -> None:  # noqa: N802
        found: set[OrganisationKind] = set()
        for group in (g.strip() for g in value.split(",") if g.strip()):
            if group not in self.out.groups:
                self.out.groups.append(group)
            kind = kind_for_lane(self.groups.get(group))
            known = ", ".join(k.value for k in OrganisationKind)
            if kind is None and group in self.groups:
                self.problem(
                    N_(
                        "the group map maps '{group}' to '{kind}', which is"
                        " no organisation kind: use one of {kinds}"
                    ),
                    task,
                    group=group[:60],
                    kind=self.groups[group][:40],
                    kinds=known,
                )
                continue
            if kind is None:
                self.problem(
                    N_(
                        "candidate group '{group}' is not mapped to an organisation kind: add"
                        ' "{group}": "<kind>" to the group map (kinds: {kinds})'
                    ),
                    task,
                    group=group[:60],
                    kinds=known,
                )
                continue
            found.add(kind)
        if len(found) > 1:
            named = ", ".join(sorted(k.value for k in found))
            self.problem(
                N_(
                    "candidate groups map to several organisation kinds ({kinds}): a step belongs"
                    " to one organisation; map them to one kind or split the step"
                ),
                task,
                kinds=named,
            )
        elif found:
            self.lanes.setdefault(found.pop(), []).append(task.get("id") or "")

    def _attr_dueDate(self, task: etree._Element, value: str) -> None:  # noqa: N802
        duration = expressions.iso_duration(value)
        if duration is None:
            self.problem(
                N_(
                    "camunda:dueDate '{value}' cannot be converted to a duration: set the"
                    " property dueIn to an ISO 8601 duration (P5D) or dueInWorkingDays"
                ),
                task,
                value=value[:60],
            )
            return
        _set_property(task, "dueIn", duration)

    def _attr_decisionRef(self, task: etree._Element, value: str) -> None:  # noqa: N802
        if expressions.is_expression(value):
            self.problem(
                N_("camunda:decisionRef '{value}' must name one decision"), task, value=value[:60]
            )
            return
        called = etree.SubElement(_extension_elements(task), f"{_S}calledDecisionId")
        called.text = value

    def _attr_collection(self, loop: etree._Element, value: str) -> None:
        name = expressions.python_condition(value) if expressions.is_expression(value) else value
        if name is None or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            self.problem(
                N_(
                    "camunda:collection '{value}' is not a variable name: compute the list in"
                    " a script task and name that variable"
                ),
                loop,
                value=value[:60],
            )
            return
        etree.SubElement(loop, f"{_B}loopDataInputRef").text = name

    def _attr_elementVariable(self, loop: etree._Element, value: str) -> None:  # noqa: N802
        item = etree.SubElement(loop, f"{_B}inputDataItem")
        item.set("id", value)
        item.set("name", value)

    # ------------------------------------------------------------------ elements

    def _extensions(self, extensions: etree._Element) -> None:
        for child in [c for c in extensions if isinstance(c.tag, str) and c.tag.startswith(_C)]:
            name = child.tag[len(_C) :]
            extensions.remove(child)
            if name == "formData":
                self._form(extensions.getparent(), child)
            elif name == "properties":
                self.note(N_("camunda:properties dropped: Pathways reads spiff properties"), child)
            else:
                self.out.problems.append(
                    Problem(
                        "camunda:{name} cannot be converted: {fix}",
                        _owner_id(extensions),
                        name=name,
                        fix=_fix(name),
                    )
                )
        parent = extensions.getparent()
        if len(extensions) == 0 and parent is not None:
            parent.remove(extensions)

    def _form(self, task: etree._Element | None, form_data: etree._Element) -> None:
        if task is None or task.tag != f"{_B}userTask":
            return
        form = form_for(task, form_data)
        self.out.problems.extend(form.problems)
        stem = re.sub(r"[^a-z0-9]+", "-", (task.get("id") or "form").lower()).strip("-")
        schema_name, ui_name = f"{stem}.schema.json", f"{stem}.uischema.json"
        self.out.forms[schema_name], self.out.forms[ui_name] = form.schema, form.ui
        _set_property(task, "formJsonSchemaFilename", schema_name)
        _set_property(task, "formUiSchemaFilename", ui_name)

    def _condition(self, element: etree._Element) -> None:
        text = element.text or ""
        if element.get("language") or not expressions.is_expression(text):
            return
        converted = expressions.python_condition(text)
        if converted is None:
            self.problem(
                N_(
                    "condition '{value}' is not a simple comparison: write it in"
                    " Python, e.g. status == 'done' and days > 3"
                ),
                element,
                value=text.strip()[:60],
            )
            return
        element.text = converted

    def _timer(self, element: etree._Element) -> None:
        text = element.text or ""
        converted = expressions.timer_literal(text)
        if converted is not None:
            element.text = converted
        elif expressions.is_expression(text):
            self.problem(
                N_(
                    "timer '{value}' is a JUEL expression: write it in Python, e.g."
                    ' f"P{{days}}D" or working_days_later(5)'
                ),
                element,
                value=text.strip()[:60],
            )

    def _script(self, task: etree._Element) -> None:
        language = (task.get("scriptFormat") or "python").lower()
        if language != "python":
            self.problem(
                N_("the script is {language}: rewrite it in Python (scriptFormat python)"),
                task,
                language=language[:30],
            )

    # ------------------------------------------------------------------ lanes

    def _write_lanes(self) -> None:
        dropped = set()
        for old in self.process.findall(f"{_B}laneSet"):
            dropped |= {lane.get("id") for lane in old.iter(f"{_B}lane")}
            self.process.remove(old)
        lane_set = etree.Element(f"{_B}laneSet", id=f"LaneSet_{self.process.get('id')}")
        for kind, tasks in self.lanes.items():
            lane = etree.SubElement(
                lane_set, f"{_B}lane", id=f"Lane_{kind.value}", name=ENGLISH_NAMES[kind]
            )
            for task in tasks:
                etree.SubElement(lane, f"{_B}flowNodeRef").text = task
        self.process.insert(_lane_set_position(self.process), lane_set)
        _drop_shapes(self.process.getroottree().getroot(), dropped)


_ANY_OTHER_FIX = N_("remove it, or model its meaning in BPMN")


def _fix(name: str) -> Text:
    return Text(UNSUPPORTED.get(name, _ANY_OTHER_FIX))


def _rename_process(root: etree._Element, key: str, out: Conversion) -> None:
    processes = root.findall(f"{_B}process")
    old = processes[0].get("id") if len(processes) == 1 else None
    if old is None or old == key:
        return
    processes[0].set("id", key)
    for node in root.iter():
        if isinstance(node.tag, str) and node.get("bpmnElement") == old:
            node.set("bpmnElement", key)
    out.notes.append(
        Problem(
            "the process id '{old}' is now '{key}', the model's key", key, old=old[:60], key=key
        )
    )


def _drop_layout_whitespace(root: etree._Element) -> None:
    """Forget the input's indentation, so that inserted elements are indented like the rest."""
    for node in root.iter():
        if len(node) and node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None


def _lane_set_position(process: etree._Element) -> int:
    leading = {f"{_B}documentation", f"{_B}extensionElements", f"{_B}property"}
    position = 0
    for position, child in enumerate(process):  # noqa: B007
        if child.tag not in leading:
            return position
    return position + 1


def _drop_shapes(root: etree._Element, ids: set[str | None]) -> None:
    for shape in list(root.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape")):
        parent = shape.getparent()
        if shape.get("bpmnElement") in ids and parent is not None:
            parent.remove(shape)


def _owner_id(element: etree._Element) -> str | None:
    """The id of the nearest element that has one: what a problem names."""
    node: etree._Element | None = element
    while node is not None:
        if node.get("id"):
            return node.get("id")
        node = node.getparent()
    return None


def _extension_elements(element: etree._Element) -> etree._Element:
    found = element.find(f"{_B}extensionElements")
    if found is None:
        found = etree.Element(f"{_B}extensionElements")
        element.insert(1 if element.find(f"{_B}documentation") is not None else 0, found)
    return found


def _set_property(element: etree._Element, name: str, value: str) -> None:
    extensions = _extension_elements(element)
    properties = extensions.find(f"{_S}properties")
    if properties is None:
        properties = etree.SubElement(extensions, f"{_S}properties")
    etree.SubElement(properties, f"{_S}property", name=name, value=value)


def _with_spiff_namespace(root: etree._Element) -> etree._Element:
    """The same document declaring `spiffworkflow:` on its root and no `camunda:`."""
    nsmap: dict[str, str] = {k: v for k, v in root.nsmap.items() if k and v != CAMUNDA_NS}
    nsmap["spiffworkflow"] = SPIFF_NS
    fresh = etree.Element(
        root.tag, attrib={str(k): str(v) for k, v in root.attrib.items()}, nsmap=nsmap
    )
    fresh.text = root.text
    for child in list(root):
        fresh.append(child)
    etree.cleanup_namespaces(fresh, top_nsmap=nsmap, keep_ns_prefixes=["spiffworkflow"])
    return fresh


def form_files(conversion: Conversion) -> dict[str, bytes]:
    """The form files as they are written next to the model."""
    return {
        name: (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        for name, body in conversion.forms.items()
    }
