"""Reading untrusted DMN XML (decision tables) as safely as BPMN.

A DMN file comes from the same people and systems as a BPMN file, so it gets the same
parser (no DTD, no entities, no network, a size cap). SpiffWorkflow's DMN parser reads
one decision per file and one table per decision; what it would skip silently (a second
decision, a literal expression, an aggregation) is reported here instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from pathways.engine.bpmn_xml import BPMN_NS, in_file, parse_xml
from pathways.errors import InvalidModel, Problem, Text

DMN_NAMESPACES = frozenset(
    {
        "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
        "http://www.omg.org/spec/DMN/20180521/MODEL/",
        "https://www.omg.org/spec/DMN/20191111/MODEL/",
    }
)
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

# SpiffWorkflow's DMN engine implements these: UNIQUE and FIRST take the first rule that
# matches (in table order), COLLECT gathers every match into lists.
HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")


@dataclass(frozen=True)
class DecisionFile:
    """A DMN document given beside a model: its file name and bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class ParsedDecisions:
    """A parsed DMN document and the decision ids it defines, in document order."""

    name: str
    data: bytes
    root: etree._Element
    decision_ids: tuple[str, ...]


def is_dmn(data: bytes) -> bool:
    """Whether a document's root element is DMN definitions (read without parsing it all)."""
    head = data[:4096]
    return any(ns.encode() in head for ns in DMN_NAMESPACES) and BPMN_NS.encode() not in head


def parse_dmn(file: DecisionFile, *, max_bytes: int) -> ParsedDecisions:
    """The decisions of a DMN document, or `InvalidModel` naming the file."""
    root = parse_xml(file.data, max_bytes=max_bytes, what="DMN", label=file.name)
    namespace = etree.QName(root).namespace
    if namespace not in DMN_NAMESPACES or etree.QName(root).localname != "definitions":
        raise InvalidModel([in_file(file.name, Text("the root element is not DMN definitions"))])
    ids = tuple(d.get("id", "") for d in root.iterfind(f"{{{namespace}}}decision"))
    if not ids:
        raise InvalidModel([in_file(file.name, Text("the file defines no decision"))])
    return ParsedDecisions(file.name, file.data, root, ids)


def structure_problems(parsed: ParsedDecisions) -> list[Problem]:
    """What SpiffWorkflow cannot read at all: one decision per file, one table per decision."""
    namespace = etree.QName(parsed.root).namespace
    decisions = list(parsed.root.iterfind(f"{{{namespace}}}decision"))
    problems: list[Problem] = []
    if len(decisions) > 1:
        problems.append(
            Problem(
                "{file} defines {count} decisions: put each decision in a file of its own",
                decisions[1].get("id"),
                file=parsed.name,
                count=len(decisions),
            )
        )
    for decision in decisions[:1]:
        tables = list(decision.iterfind(f"{{{namespace}}}decisionTable"))
        if len(tables) != 1:
            problems.append(
                Problem(
                    "decision '{decision}' must hold exactly one decision table (it holds {count})",
                    decision.get("id"),
                    decision=str(decision.get("id")),
                    count=len(tables),
                )
            )
    return problems


def policy_problems(parsed: ParsedDecisions) -> list[Problem]:
    """Hit policies SpiffWorkflow would not honour, named by decision id."""
    namespace = etree.QName(parsed.root).namespace
    problems: list[Problem] = []
    for decision in parsed.root.iterfind(f"{{{namespace}}}decision"):
        for table in decision.iterfind(f"{{{namespace}}}decisionTable"):
            problems.extend(_policy_problems(decision.get("id", ""), table))
    return problems


def table_ids(parsed: ParsedDecisions) -> dict[str, str]:
    """Each decision table id of the document with the id of the decision holding it."""
    namespace = etree.QName(parsed.root).namespace
    return {
        table.get("id", ""): decision.get("id", "")
        for decision in parsed.root.iterfind(f"{{{namespace}}}decision")
        for table in decision.iterfind(f"{{{namespace}}}decisionTable")
    }


def _policy_problems(decision_id: str, table: etree._Element) -> list[Problem]:
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in HIT_POLICIES:
        return [
            Problem(
                "decision '{decision}': hit policy {policy} is not supported"
                " (use one of: {policies})",
                decision_id,
                decision=decision_id,
                policy=policy[:20],
                policies=", ".join(HIT_POLICIES),
            )
        ]
    if table.get("aggregation"):
        return [
            Problem(
                "decision '{decision}': COLLECT with an aggregation ({aggregation}) is not"
                " supported; collect the values and sum or count them in a script",
                decision_id,
                decision=decision_id,
                aggregation=table.get("aggregation", "")[:10],
            )
        ]
    return []


def called_decisions(root: etree._Element) -> list[tuple[str, str, str | None]]:
    """Each business rule task of a BPMN document as (id, name, calledDecisionId or None)."""
    found: list[tuple[str, str, str | None]] = []
    for task in root.iter(f"{{{BPMN_NS}}}businessRuleTask"):
        ref = task.find(f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}calledDecisionId")
        decision = ref.text.strip() if ref is not None and ref.text and ref.text.strip() else None
        task_id = task.get("id", "")
        found.append((task_id, task.get("name") or task_id, decision))
    return found
