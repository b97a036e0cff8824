"""Structural checks of a BPMN document, read from its XML before SpiffWorkflow parses it.

SpiffWorkflow's parser stops at the first fault it meets, so a model with three broken
elements would take three uploads to fix. These checks walk the whole document and
name every fault at once, each with its element id and name; whatever the parser
still finds afterwards is added to them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from pathways.engine.bpmn_xml import BPMN_NS, SPIFF_NS, element_properties
from pathways.errors import N_, Problem
from pathways.organisation_kinds import OrganisationKind, kind_for_lane

DEFAULT_ORGANISATION = "defaultOrganisation"

_MAX_PROBLEMS = 50
_SCHEMA_LOCK = threading.Lock()  # the schema's error log is shared by its callers
_CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")
_OMG = "{http://www.omg.org/spec/"
_KIND_CODES = ", ".join(kind.value for kind in OrganisationKind)


def problems(root: etree._Element) -> list[Problem]:
    """Every structural fault of the document, schema faults first."""
    found = [*_schema_problems(root)]
    checks = (_duplicate_ids, _flows, _boundaries, _references, _call_activities, _call_cycles)
    for check in (*checks, _service_tasks):
        found.extend(check(root))
    found.extend(_start_events(root))
    found.extend(_default_organisations(root))
    return found[:_MAX_PROBLEMS]


def label(element: etree._Element) -> str:
    """How a problem names an element: its name and id, cut short."""
    name = (element.get("name") or "").strip()
    ident = (element.get("id") or "").strip()
    if name and ident:
        return f"'{name[:80]}' ({ident[:80]})"
    return f"'{(name or ident or _tag(element))[:80]}'"


def _tag(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else "element"


def _bpmn(root: etree._Element, tag: str) -> Iterator[etree._Element]:
    return root.iter(f"{{{BPMN_NS}}}{tag}")


def _schema_problems(root: etree._Element) -> Iterator[Problem]:
    tree = root.getroottree()
    with _SCHEMA_LOCK:
        VALIDATOR.preprocess(tree)
        schema = VALIDATOR.validator
        valid = schema.validate(tree)
        errors = [] if valid else list(schema.error_log)
    for error in errors[:_MAX_PROBLEMS]:
        message = str(error.message).replace(f"{{{BPMN_NS}}}", "bpmn:")
        message = message.replace(f"{{{SPIFF_NS}}}", "spiffworkflow:")
        element = _element_at(tree, error.path)
        if element is None:
            yield Problem("not valid BPMN 2.0: {reason}", reason=message[:300])
            continue
        yield Problem(
            "not valid BPMN 2.0: {element}: {reason}",
            element.get("id") or None,
            element=label(element),
            reason=message[:300],
        )


def _element_at(tree: etree._ElementTree, path: str | None) -> etree._Element | None:
    """The nearest element with an id at or above the schema error's path."""
    if not path:
        return None
    try:
        found = tree.xpath(path, namespaces={"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS})
    except etree.XPathError:
        return None
    element = found[0] if isinstance(found, list) and found else None
    while isinstance(element, etree._Element) and not element.get("id"):
        element = element.getparent()
    return element if isinstance(element, etree._Element) else None


def _duplicate_ids(root: etree._Element) -> Iterator[Problem]:
    # Only BPMN's own elements: other tools' extensions (form fields …) reuse short ids.
    seen: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(_OMG):
            continue
        ident = element.get("id")
        if not ident:
            continue
        if ident in seen:
            yield Problem(
                "{element}: the id is used by another element too", ident, element=label(element)
            )
        seen.add(ident)


def _flows(root: etree._Element) -> Iterator[Problem]:
    for container in (c for tag in _CONTAINERS for c in _bpmn(root, tag)):
        nodes = {child.get("id") for child in container if isinstance(child.tag, str)}
        flows = {f.get("id") for f in container.iterfind(f"{{{BPMN_NS}}}sequenceFlow")}
        for node in container:
            default = node.get("default") if isinstance(node.tag, str) else None
            if default is not None and default not in flows:
                yield Problem(
                    "{element} has default flow '{flow}', which is not a sequence flow beside it",
                    node.get("id") or None,
                    element=label(node),
                    flow=default[:80],
                )
        for flow in container.iterfind(f"{{{BPMN_NS}}}sequenceFlow"):
            for end in ("sourceRef", "targetRef"):
                ref = flow.get(end)
                if ref not in nodes:
                    yield Problem(
                        _FLOW_END[end],
                        flow.get("id") or None,
                        flow=label(flow),
                        ref=(ref or "")[:80],
                    )


def _boundaries(root: etree._Element) -> Iterator[Problem]:
    for event in _bpmn(root, "boundaryEvent"):
        parent = event.getparent()
        siblings = {c.get("id") for c in parent} if parent is not None else set()
        if event.get("attachedToRef") not in siblings:
            yield Problem(
                "boundary event {event} is attached to '{ref}', which is not an activity beside it",
                event.get("id") or None,
                event=label(event),
                ref=(event.get("attachedToRef") or "")[:80],
            )


_FLOW_END = {
    "sourceRef": N_("sequence flow {flow} starts at '{ref}', which is not an element beside it"),
    "targetRef": N_("sequence flow {flow} ends at '{ref}', which is not an element beside it"),
}

_DEFINED = {
    "messageRef": "message",
    "signalRef": "signal",
    "errorRef": "error",
    "escalationRef": "escalation",
}


# One sentence per kind of reference, so each reads whole in every language.
_UNDEFINED = {
    "message": N_(
        "{element} names message '{ref}', which the file does not define"
        " (add a bpmn:message with that id)"
    ),
    "signal": N_(
        "{element} names signal '{ref}', which the file does not define"
        " (add a bpmn:signal with that id)"
    ),
    "error": N_(
        "{element} names error '{ref}', which the file does not define"
        " (add a bpmn:error with that id)"
    ),
    "escalation": N_(
        "{element} names escalation '{ref}', which the file does not define"
        " (add a bpmn:escalation with that id)"
    ),
}


def _references(root: etree._Element) -> Iterator[Problem]:
    """Event definitions that name a message, signal, error or escalation nobody defines."""
    for attribute, tag in _DEFINED.items():
        defined = {d.get("id") for d in _bpmn(root, tag)}
        for element in root.iter():
            ref = element.get(attribute) if isinstance(element.tag, str) else None
            if ref is None or ref in defined or _tag(element) == "messageFlow":
                continue
            owner = element.getparent() if _tag(element).endswith("EventDefinition") else element
            owner = owner if owner is not None else element
            yield Problem(
                _UNDEFINED[tag],
                owner.get("id") or None,
                element=label(owner),
                ref=ref[:80],
            )


def _call_activities(root: etree._Element) -> Iterator[Problem]:
    for call in _bpmn(root, "callActivity"):
        if not (call.get("calledElement") or "").strip():
            yield Problem(
                "call activity {call} names no process to call: set its called"
                " element (calledElement) to the id of a process",
                call.get("id") or None,
                call=label(call),
            )


def _call_cycles(root: etree._Element) -> Iterator[Problem]:
    """A process that calls itself, directly or through others of this file, never ends."""
    calls: dict[str, list[etree._Element]] = {}
    for process in _bpmn(root, "process"):
        calls[process.get("id", "")] = list(process.iter(f"{{{BPMN_NS}}}callActivity"))
    for start, activities in calls.items():
        for call in activities:
            if _reaches(calls, call.get("calledElement", ""), start):
                yield Problem(
                    "call activity {call} calls process '{process}' back, which it"
                    " is part of: a pathway cannot call itself",
                    call.get("id") or None,
                    call=label(call),
                    process=start[:80],
                )


def _reaches(calls: dict[str, list[etree._Element]], begin: str, goal: str) -> bool:
    seen: set[str] = set()
    todo = [begin]
    while todo:
        key = todo.pop()
        if key == goal:
            return True
        if key in seen or key not in calls:
            continue
        seen.add(key)
        todo.extend(c.get("calledElement", "") for c in calls[key])
    return False


def _service_tasks(root: etree._Element) -> Iterator[Problem]:
    # With an operator SpiffWorkflow parses the task and lint refuses it; without one the
    # parser's own error ("must have an operator") would say nothing of what to do.
    for task in _bpmn(root, "serviceTask"):
        if task.find(f".//{{{SPIFF_NS}}}serviceTaskOperator") is None:
            yield Problem(SERVICE_TASKS, task.get("id") or None)


SERVICE_TASKS = N_(
    "service tasks are not supported: model the step as a user task (a caseworker does"
    " or records it) or as a script task"
)


def _start_events(root: etree._Element) -> Iterator[Problem]:
    called = {c.get("calledElement") for c in _bpmn(root, "callActivity")}
    for process in _bpmn(root, "process"):
        if process.get("isExecutable") != "true" and process.get("id") not in called:
            continue
        inner = (c for tag in ("subProcess", "transaction") for c in _bpmn(process, tag))
        for container in [process, *inner]:
            if container.find(f"{{{BPMN_NS}}}startEvent") is None:
                template = (
                    N_("process {element} has no start event")
                    if container is process
                    else N_("subprocess {element} has no start event")
                )
                yield Problem(template, container.get("id") or None, element=label(container))


def _default_organisations(root: etree._Element) -> Iterator[Problem]:
    for process in _bpmn(root, "process"):
        value = element_properties(process).get(DEFAULT_ORGANISATION)
        if value is not None and kind_for_lane(value) is None:
            yield Problem(
                "defaultOrganisation '{value}' of process {process} is not an"
                " organisation kind (use one of: {kinds})",
                process.get("id") or None,
                value=value[:40],
                process=label(process),
                kinds=_KIND_CODES,
            )


def default_organisation(process: etree._Element) -> OrganisationKind | None:
    """The kind that serves the process's steps that sit in no lane, if it names one."""
    return kind_for_lane(element_properties(process).get(DEFAULT_ORGANISATION))
