"""Reading untrusted BPMN XML: size cap, no DTD, no entities, no network.

Uploaded models come from people and systems we do not control, so the parser never
resolves an entity or loads anything, and a document that even declares a DOCTYPE is
refused before SpiffWorkflow sees it.
"""

from __future__ import annotations

from lxml import etree

from pathways.errors import InvalidModel, Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_bpmn(data: bytes, *, max_bytes: int) -> etree._Element:
    """The root `definitions` element of a BPMN document, or `InvalidModel`."""
    if len(data) > max_bytes:
        raise InvalidModel([Problem(f"the file is larger than {max_bytes} bytes")])
    if not data.strip():
        raise InvalidModel([Problem("the file is empty")])
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise InvalidModel([Problem(f"not well-formed XML: {_first_line(error)}")]) from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise InvalidModel([Problem("a DOCTYPE is not allowed in a BPMN file")])
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise InvalidModel([Problem("the root element is not BPMN 2.0 definitions")])
    return root


def _first_line(error: etree.XMLSyntaxError) -> str:
    text = str(error.msg or error).splitlines()[0]
    return text[:200]


def lanes_by_element(root: etree._Element) -> dict[str, tuple[str, str]]:
    """For each flow node id, the (lane id, lane name) that holds it."""
    found: dict[str, tuple[str, str]] = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.iterfind(f"{{{BPMN_NS}}}flowNodeRef"):
            if ref.text:
                found[ref.text.strip()] = (lane.get("id", ""), lane.get("name", ""))
    return found


def executable_process_ids(root: etree._Element) -> list[str]:
    return [
        process.get("id", "")
        for process in root.iterfind(f"{{{BPMN_NS}}}process")
        if process.get("isExecutable") == "true"
    ]


def renamed_process(data: bytes, *, key: str, name: str, max_bytes: int) -> bytes:
    """The file with its one executable process given a new id and name.

    What pointed at the old id (the pool's `processRef`, the diagram's `bpmnElement`)
    follows, so the diagram still draws; element ids inside the process stay.
    """
    root = parse_bpmn(data, max_bytes=max_bytes)
    found = executable_process_ids(root)
    if len(found) != 1:
        raise InvalidModel([Problem("a starting point must hold exactly one executable process")])
    old = found[0]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("id") == old and element.tag == f"{{{BPMN_NS}}}process":
            element.set("id", key)
            element.set("name", name)
        for attribute in ("processRef", "bpmnElement"):
            if element.get(attribute) == old:
                element.set(attribute, key)
        if element.tag == f"{{{BPMN_NS}}}participant" and element.get("processRef") == key:
            element.set("name", name)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def process_name(data: bytes, *, max_bytes: int) -> str | None:
    """The name of the file's first executable process."""
    root = parse_bpmn(data, max_bytes=max_bytes)
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        if process.get("isExecutable") == "true":
            return process.get("name") or process.get("id")
    return None
