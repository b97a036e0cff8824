"""Reading untrusted BPMN (and DMN) XML: size cap, no DTD, no entities, no network.

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
    root = parse_xml(data, max_bytes=max_bytes, what="BPMN")
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise InvalidModel([Problem("the root element is not BPMN 2.0 definitions")])
    return root


def parse_xml(data: bytes, *, max_bytes: int, what: str, label: str = "") -> etree._Element:
    """The root element of an untrusted XML document, or `InvalidModel`.

    `label` (a file name) prefixes each problem when several files are read at once.
    """
    prefix = f"{label}: " if label else ""
    if len(data) > max_bytes:
        raise InvalidModel([Problem(f"{prefix}the file is larger than {max_bytes} bytes")])
    if not data.strip():
        raise InvalidModel([Problem(f"{prefix}the file is empty")])
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise InvalidModel(
            [Problem(f"{prefix}not well-formed XML: {_first_line(error)}")]
        ) from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise InvalidModel([Problem(f"{prefix}a DOCTYPE is not allowed in a {what} file")])
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
