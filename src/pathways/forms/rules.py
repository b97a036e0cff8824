"""Date rules beyond one field: a small extension of JSON Schema 2020-12.

A date property (`"type": "string", "format": "date"`) may carry:

- `"x-not-after": "today"` or a sibling date field: not in the future / not later than it;
- `"x-not-before": "today"` or a sibling date field: not in the past / not earlier than it;
- `"x-after": "<sibling date field>"`: strictly later than it (an end after its start);
- `"x-within-months": {"of": "<sibling date field>", "months": N}`: at most N calendar
  months after it (1 ≤ N ≤ 120).

"Sibling" means a property of the same object. "Today" is the day in Helsinki. A rule is
checked only when both dates are present and valid; a missing or malformed date is the
schema's business (`required`, `format`). Any other `x-` keyword in a form is refused at
deploy, so a misspelt rule never silently stops being enforced; keywords that other
slices check are listed in `OTHER_EXTENSIONS`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pathways import clock
from pathways.errors import FieldError

TODAY = "today"
NOT_AFTER, NOT_BEFORE, AFTER, WITHIN = "x-not-after", "x-not-before", "x-after", "x-within-months"
RULES = (NOT_AFTER, NOT_BEFORE, AFTER, WITHIN)
# Extension keywords whose values another slice checks (the record's sharing and keeping rules).
OTHER_EXTENSIONS = frozenset({"x-share", "x-kept-if"})
MAX_MONTHS = 120


@dataclass(frozen=True)
class FieldRule:
    """One rule of one field, as people read it: `other` is the other field's title."""

    rule: str
    other: str | None = None  # None: today
    months: int | None = None


def problems(schema: Mapping[str, Any]) -> list[str]:
    """Why the form's extension keywords cannot be enforced (unknown ones included)."""
    found = [f"unknown keyword {key}" for key in _extensions(schema) if key not in OTHER_EXTENSIONS]
    for path, parent, key, prop in _date_fields(schema, with_rules_only=False):
        for rule in RULES:
            if rule in prop:
                found.extend(_rule_problems(path, parent, key, prop, rule))
    return found


def _extensions(schema: Any) -> Iterator[str]:
    if isinstance(schema, Mapping):
        for key, value in schema.items():
            if isinstance(key, str) and key.startswith("x-") and key not in RULES:
                yield key
            if key in ("properties", "$defs", "patternProperties") and isinstance(value, Mapping):
                for named in value.values():  # names of fields are data, not keywords
                    yield from _extensions(named)
            elif key not in ("const", "enum", "default", "examples", *RULES):
                yield from _extensions(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _extensions(item)


def _rule_problems(
    path: str, parent: Mapping[str, Any], key: str, prop: Mapping[str, Any], rule: str
) -> list[str]:
    where = f"{path or key}: {rule}"
    if not _is_date(prop):
        return [f"{where} applies only to a date field (type string, format date)"]
    value = prop[rule]
    if rule == WITHIN:
        if not isinstance(value, Mapping) or set(value) != {"of", "months"}:
            return [f'{where} is {{"of": "<date field>", "months": N}}']
        months = value["months"]
        if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
            return [f"{where}: months is a whole number from 1 to {MAX_MONTHS}"]
        value = value["of"]
    elif rule != AFTER and value == TODAY:
        return []
    siblings = parent.get("properties", {})
    if not isinstance(value, str) or value == key or not _is_date(siblings.get(value)):
        also = ' or "today"' if rule in (NOT_AFTER, NOT_BEFORE) else ""
        return [f"{where} names another date field of the same object{also}"]
    return []


def _is_date(prop: Any) -> bool:
    if not isinstance(prop, Mapping):
        return False
    return prop.get("format") == "date" and prop.get("type") == "string"


def _date_fields(
    schema: Mapping[str, Any], *, with_rules_only: bool = True, path: str = ""
) -> Iterator[tuple[str, Mapping[str, Any], str, Mapping[str, Any]]]:
    """(pointer, object schema, key, property schema) of every property, nested included."""
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        for key, prop in properties.items():
            if not isinstance(prop, Mapping):
                continue
            if not with_rules_only or any(rule in prop for rule in RULES):
                yield f"{path}/{key}", schema, key, prop
            yield from _date_fields(prop, with_rules_only=with_rules_only, path=f"{path}/{key}")
    items = schema.get("items")
    if isinstance(items, Mapping):
        yield from _date_fields(items, with_rules_only=with_rules_only, path=f"{path}/*")


def rules_of(parent: Mapping[str, Any], prop: Mapping[str, Any]) -> list[FieldRule]:
    """The rules of one field, naming other fields by their titles (English message ids)."""
    siblings: Mapping[str, Any] = parent.get("properties", {})

    def title(name: str) -> str | None:
        if name == TODAY:
            return None
        other = siblings.get(name, {})
        found = other.get("title") if isinstance(other, Mapping) else None
        return found if isinstance(found, str) else name.replace("_", " ").capitalize()

    found = []
    for rule in (NOT_AFTER, NOT_BEFORE, AFTER):
        if isinstance(prop.get(rule), str):
            found.append(FieldRule(rule, title(prop[rule])))
    within = prop.get(WITHIN)
    if isinstance(within, Mapping) and isinstance(within.get("of"), str):
        found.append(FieldRule(WITHIN, title(within["of"]), int(within.get("months", 0))))
    return found


def broken(schema: Mapping[str, Any], data: Mapping[str, Any]) -> list[tuple[FieldError, str]]:
    """Each rule the data breaks: where and which rule, and an English sentence for the API."""
    today = clock.local(clock.now()).date()
    found = []
    for pointer, values, parent, key, prop in _filled(schema, data, ""):
        for rule in rules_of(parent, prop):
            if not _holds(rule, prop, values, key, today):
                label = prop.get("title") if isinstance(prop.get("title"), str) else key
                error = FieldError(pointer, rule.rule, rule)
                found.append((error, f"{label}: {sentence(rule)}"))
    return found


def _filled(
    schema: Mapping[str, Any], data: Any, path: str
) -> Iterator[tuple[str, Mapping[str, Any], Mapping[str, Any], str, Mapping[str, Any]]]:
    """(pointer, the object's data, its schema, key, property schema) for filled fields."""
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and isinstance(data, Mapping):
        for key, prop in properties.items():
            if not isinstance(prop, Mapping) or key not in data:
                continue
            if any(rule in prop for rule in RULES):
                yield f"{path}/{key}", data, schema, key, prop
            yield from _filled(prop, data[key], f"{path}/{key}")
    items = schema.get("items")
    if isinstance(items, Mapping) and isinstance(data, list):
        for index, row in enumerate(data):
            yield from _filled(items, row, f"{path}/{index}")


def _holds(
    rule: FieldRule, prop: Mapping[str, Any], values: Mapping[str, Any], key: str, today: date
) -> bool:
    own = _day(values.get(key))
    setting = prop[rule.rule]
    other_name = setting["of"] if rule.rule == WITHIN else setting
    other = today if other_name == TODAY else _day(values.get(other_name))
    if own is None or other is None:
        return True  # a missing or malformed date is reported by the schema itself
    if rule.rule == NOT_AFTER:
        return own <= other
    if rule.rule == NOT_BEFORE:
        return own >= other
    if rule.rule == AFTER:
        return own > other
    return own <= add_months(other, rule.months or 0)


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later; the month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def sentence(rule: FieldRule) -> str:
    """The rule in English, for the API's `errors` (the pages say it in their language)."""
    if rule.rule == NOT_AFTER:
        return "cannot be in the future" if rule.other is None else f"cannot be after {rule.other}"
    if rule.rule == NOT_BEFORE:
        return "cannot be in the past" if rule.other is None else f"cannot be before {rule.other}"
    if rule.rule == AFTER:
        return f"must be after {rule.other}"
    return f"at most {rule.months} months after {rule.other}"
