"""Camunda 7 expressions (JUEL `${...}`) and due dates turned into Pathways' Python.

Only what converts without guessing is converted: comparisons and logic over plain
variable names, numbers, strings, true/false/null. A method call, a property path,
`empty` or a ternary is left to the designer (None here, a problem upstream).
"""

from __future__ import annotations

import re

_WRAPPED = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)
_TOKEN = re.compile(
    r"""(?P<space>\s+)|(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    r"|(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[<>!()])"
)
_WORDS = {
    "and": "and", "or": "or", "not": "not", "eq": "==", "ne": "!=", "lt": "<", "gt": ">",
    "le": "<=", "ge": ">=", "true": "True", "false": "False", "null": "None",
}  # fmt: skip
_NOT_TRIVIAL = {"empty", "instanceof", "div", "mod"}
_OPS = {"&&": "and", "||": "or", "!": "not"}
_ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
_PLUS = re.compile(
    r"^\s*\$\{\s*dateTime\(\)\s*\.\s*plus(?P<unit>Days|Weeks|Hours|Minutes|Months)"
    r"\(\s*(?P<n>\d{1,4})\s*\)\s*\.\s*toDate\(\)\s*\}\s*$"
)
_UNITS = {"Days": "P{}D", "Weeks": "P{}W", "Hours": "PT{}H", "Minutes": "PT{}M", "Months": "P{}M"}


def is_expression(text: str) -> bool:
    return _WRAPPED.match(text) is not None


def python_condition(text: str) -> str | None:
    """`${a == 'x' && n > 3}` as `a == 'x' and n > 3`; None if it is not that simple."""
    wrapped = _WRAPPED.match(text)
    if wrapped is None:
        return None
    words = _tokens(wrapped.group("body"))
    if words is None or not words:
        return None
    converted = " ".join(words)
    try:
        compile(converted, "<condition>", "eval")
    except SyntaxError:
        return None
    return converted


def _tokens(body: str) -> list[str] | None:
    words: list[str] = []
    position = 0
    while position < len(body):
        match = _TOKEN.match(body, position)
        if match is None:
            return None  # a dot, a bracket, arithmetic, a ternary: not trivially Python
        position = match.end()
        kind, value = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "name" and (value in _NOT_TRIVIAL or body[position:].lstrip()[:1] == "("):
            return None  # `empty x` and method calls have no plain Python twin
        words.append(_WORDS.get(value, value) if kind == "name" else _OPS.get(value, value))
    return words


def iso_duration(text: str) -> str | None:
    """A due date as an ISO 8601 duration: `P5D` as it is, `${dateTime().plusDays(5)...}`."""
    value = text.strip()
    if _ISO_DURATION.match(value):
        return value
    plus = _PLUS.match(value)
    if plus is not None:
        return _UNITS[plus.group("unit")].format(int(plus.group("n")))
    return None


def timer_literal(text: str) -> str | None:
    """A Camunda timer value (`PT5M`, `2026-12-31T12:00:00Z`) as a Python string literal."""
    value = text.strip()
    if not value or is_expression(value) or any(c in value for c in "\"'\\\n"):
        return None
    return f'"{value}"'
