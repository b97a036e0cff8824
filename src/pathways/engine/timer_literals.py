"""Timer values written as bare ISO 8601 text read as the text they are.

SpiffWorkflow evaluates a timer's `timeDuration`, `timeDate` or `timeCycle` as Python,
so a value drawn in another tool (`P7D`, `R3/PT1H`, `2026-01-01T09:00:00Z`) is a name
or a syntax error there and fails only when a case reaches the timer. BPMN itself, and
every other engine, reads such a value as the ISO text. Before the parser sees a model,
each timer expression that is bare ISO text is quoted, so validation, deployment and
running cases agree on it; every other expression stays Python.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from pathways.engine.bpmn_xml import BPMN_NS

_DATE = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DURATION = r"P(?!$)(?:\d+(?:[.,]\d+)?[YMWD])*(?:T(?:\d+(?:[.,]\d+)?[HMS])+)?"
_PART = rf"(?:{_DATE}|{_DURATION})"
_ISO = re.compile(rf"(?:R\d*/)?{_PART}(?:/{_PART})?|{_DATE}")
_TIMER_TAGS = [f"{{{BPMN_NS}}}{tag}" for tag in ("timeDuration", "timeDate", "timeCycle")]


def is_iso_text(expression: str) -> bool:
    """Whether a timer expression is bare ISO 8601 text rather than Python."""
    return _ISO.fullmatch(expression.strip()) is not None


def quote_timer_literals(root: etree._Element) -> None:
    """Turn each timer expression that is bare ISO text into a Python string literal."""
    for element in root.iter(*_TIMER_TAGS):
        text = element.text or ""
        if is_iso_text(text):
            element.text = json.dumps(text.strip())
