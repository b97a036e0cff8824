"""The lint problem of a model that still carries convertible Camunda attributes."""

from __future__ import annotations

from lxml import etree

from pathways.errors import Problem
from pathways.processes.camunda.forms import CAMUNDA_NS

_C = f"{{{CAMUNDA_NS}}}"
# Camunda attributes and extensions that `pathways models import-camunda` converts.
CONVERTIBLE = (
    "candidateGroups", "dueDate", "collection", "elementVariable", "decisionRef", "formData",
)  # fmt: skip


def leftover_problem(root: etree._Element) -> Problem | None:
    """One problem naming every convertible Camunda attribute the model still carries."""
    found: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        found |= {str(a)[len(_C) :] for a in element.attrib if str(a).startswith(_C)}
        if element.tag.startswith(_C):
            found.add(element.tag[len(_C) :])
    named = [name for name in CONVERTIBLE if name in found]
    if not named:
        return None
    listed = ", ".join(f"camunda:{n}" for n in named)
    return Problem(
        "the model still carries Camunda 7 attributes that Pathways ignores ({attributes}):"
        " convert it with `pathways models import-camunda`",
        attributes=listed,
    )
