"""The form keyword `x-kept-if`: a field kept only when the form's other answers call for it.

A top-level property of a form may carry `"x-kept-if": {"plan_needed": true}`: other
top-level fields of the same form and the values they must have (true, false, a text or
a number). When a submission's answers do not match all of them, the field is dropped
before the answers are checked, run and recorded, so neither the case's data nor its
record keeps it: a note for the wellbeing services county, say, when no plan follows
and no county is asked. Like `x-share`, the keyword belongs on the form's own fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KEYWORD = "x-kept-if"
_VALUES = (bool, str, int, float)


def keeping_problem(schema: Mapping[str, Any]) -> str | None:
    """Why the form's `x-kept-if` keywords are wrong, or None."""
    properties = schema.get("properties")
    fields: Mapping[str, Any] = properties if isinstance(properties, Mapping) else {}
    for name, field in fields.items():
        if not isinstance(field, Mapping) or KEYWORD not in field:
            continue
        condition = field[KEYWORD]
        if not isinstance(condition, Mapping) or not condition:
            return f"field '{name}': x-kept-if maps other fields of the form to their values"
        for other, value in condition.items():
            if other == name or other not in fields:
                return f"field '{name}': x-kept-if names '{str(other)[:40]}', not another field"
            if not isinstance(value, _VALUES):
                return f"field '{name}': x-kept-if gives '{other}' a value that is not plain"
    if KEYWORD in schema:
        return "x-kept-if belongs on the form's fields, not on the form itself"
    return None


def kept(schema: Mapping[str, Any] | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """The answers without the fields whose `x-kept-if` the other answers do not meet."""
    properties = (schema or {}).get("properties")
    fields: Mapping[str, Any] = properties if isinstance(properties, Mapping) else {}
    dropped = {
        name
        for name, field in fields.items()
        if name in data and isinstance(field, Mapping) and not _met(field.get(KEYWORD), data)
    }
    return {name: value for name, value in data.items() if name not in dropped}


def _met(condition: Any, data: Mapping[str, Any]) -> bool:
    if not isinstance(condition, Mapping):
        return True  # no condition: always kept
    # `is`-strict for booleans: 1 and True are not the same answer.
    return all(
        other in data and type(data[other]) is type(value) and data[other] == value
        for other, value in condition.items()
    )
