"""Reading untrusted BPMN (and DMN) XML: size cap, no DTD, no entities, no network.

Uploaded models come from people and systems we do not control, so the parser never
resolves an entity or loads anything, and a document that even declares a DOCTYPE is
refused before SpiffWorkflow sees it.
"""

from __future__ import annotations

from lxml import etree

from pathways.errors import InvalidModel, Problem, Text

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
    if len(data) > max_bytes:
        too_large = Text("the file is larger than {limit} bytes", limit=max_bytes)
        raise InvalidModel([in_file(label, too_large)])
    if not data.strip():
        raise InvalidModel([in_file(label, Text("the file is empty"))])
    try:
        data.decode("utf-8")  # versions are stored as text: the file must be UTF-8 already
    except UnicodeDecodeError:
        raise InvalidModel([Problem("the file is not UTF-8 encoded: save it as UTF-8")]) from None
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        not_xml = Text("not well-formed XML: {reason}", reason=_first_line(error))
        raise InvalidModel([in_file(label, not_xml)]) from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        doctype = Text("a DOCTYPE is not allowed in a {kind} file", kind=what)
        raise InvalidModel([in_file(label, doctype)])
    return root


def element_names(data: bytes, *, max_bytes: int) -> set[str]:
    """The names the document's BPMN elements carry (steps, events, flows, lanes …)."""
    root = parse_bpmn(data, max_bytes=max_bytes)
    found = (element.get("name") for element in root.iter() if isinstance(element.tag, str))
    return {name for name in found if name}


def in_file(label: str, text: Text, element_id: str | None = None) -> Problem:
    """A problem of one of several files read at once, named by the file (`label`)."""
    if not label:
        return Problem(text, element_id)
    return Problem("{file}: {problem}", element_id, file=label, problem=text)


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


SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def element_properties(element: etree._Element) -> dict[str, str]:
    """The `spiffworkflow:properties` an element carries in its extension elements."""
    found: dict[str, str] = {}
    extensions = element.find(f"{{{BPMN_NS}}}extensionElements")
    if extensions is None:
        return found
    for group in extensions.iterfind(f"{{{SPIFF_NS}}}properties"):
        for item in group.iterfind(f"{{{SPIFF_NS}}}property"):
            name, value = item.get("name"), item.get("value")
            if name and value is not None:
                found[name] = value
    return found


def process_ids(root: etree._Element) -> list[str]:
    """Every process the document defines, executable or not."""
    return [p.get("id", "") for p in root.iterfind(f"{{{BPMN_NS}}}process") if p.get("id")]


_EMBEDDED = ("subProcess", "transaction", "adHocSubProcess")


def owning_processes(root: etree._Element) -> dict[str, str]:
    """For each process id and embedded subprocess id, the id of the process it is in.

    SpiffWorkflow names the spec of an embedded subprocess by its element id, so this
    maps every spec the document yields to the process whose properties apply to it.
    """
    owners: dict[str, str] = {}
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        key = process.get("id", "")
        owners[key] = key
        for tag in _EMBEDDED:
            for inner in process.iter(f"{{{BPMN_NS}}}{tag}"):
                owners[inner.get("id", "")] = key
    return owners


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
