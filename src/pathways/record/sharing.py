"""The form keyword `x-share`: who may read a field besides the organisation that recorded it.

A top-level property of a form may carry `"x-share": ["employment_area", "team", ...]`:
organisation kinds, or "team" for the statutory case team (municipality, wellbeing
services county, employment area). Without it only the recording organisation reads
the field. The keyword belongs on the form's own fields (top-level properties): a
nested one would promise a finer visibility than the record keeps, so it is refused.
"""

from __future__ import annotations

from typing import Any

from pathways.organisation_kinds import RENAMED_CODES, TEAM_KINDS, OrganisationKind

KEYWORD = "x-share"
TEAM = "team"
_KNOWN = {kind.value for kind in OrganisationKind} | set(RENAMED_CODES) | {TEAM}


def share_problem(schema: dict[str, Any]) -> str | None:
    """Why the form's `x-share` keywords are wrong, or None."""
    properties = schema.get("properties")
    fields = properties if isinstance(properties, dict) else {}
    for name, field in fields.items():
        problem = _field_problem(name, field)
        if problem is not None:
            return problem
        inner = [v for k, v in field.items() if k != KEYWORD] if isinstance(field, dict) else []
        if _nested_share(inner):
            return f"field '{name}': x-share belongs on the form's own fields, not inside one"
    if KEYWORD in schema:
        return "x-share belongs on the form's fields, not on the form itself"
    return None


def _field_problem(name: str, field: Any) -> str | None:
    if not isinstance(field, dict) or KEYWORD not in field:
        return None
    kinds = field[KEYWORD]
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        return f"field '{name}': x-share is a list of organisation kinds"
    unknown = [k for k in kinds if k not in _KNOWN]
    if unknown:
        allowed = ", ".join(sorted(_KNOWN - set(RENAMED_CODES)))
        return f"field '{name}': x-share names unknown kind '{unknown[0][:40]}' (use {allowed})"
    return None


def _nested_share(value: Any) -> bool:
    if isinstance(value, dict):
        return KEYWORD in value or any(_nested_share(v) for v in value.values())
    if isinstance(value, list):
        return any(_nested_share(v) for v in value)
    return False


def shared_kinds(schema: dict[str, Any] | None, field: str) -> frozenset[str]:
    """The organisation kinds that may read `field` besides its recording organisation."""
    properties = (schema or {}).get("properties")
    spec = properties.get(field) if isinstance(properties, dict) else None
    declared = spec.get(KEYWORD, []) if isinstance(spec, dict) else []
    return expand(declared)


def expand(declared: list[str]) -> frozenset[str]:
    """Organisation kinds, with "team" standing for the statutory team's three and a
    renamed kind's old code for the kind it became."""
    kinds: set[str] = set()
    for kind in declared:
        if kind == TEAM:
            kinds.update(k.value for k in TEAM_KINDS)
        else:
            renamed = RENAMED_CODES.get(kind)
            kinds.add(renamed.value if renamed is not None else kind)
    return frozenset(kinds)


def unknown_kind(declared: list[str]) -> str | None:
    """The first entry that is neither an organisation kind nor "team"."""
    return next((k for k in declared if k not in _KNOWN), None)


def field_title(schema: dict[str, Any] | None, field: str) -> str:
    properties = (schema or {}).get("properties")
    spec = properties.get(field) if isinstance(properties, dict) else None
    title = spec.get("title") if isinstance(spec, dict) else None
    return title if isinstance(title, str) else field


def in_form_order(schema: dict[str, Any] | None, data: dict[str, Any]) -> list[str]:
    """The fields of `data` in the order the form lists them (stored JSON may reorder)."""
    properties = (schema or {}).get("properties")
    order = list(properties) if isinstance(properties, dict) else []
    return [n for n in order if n in data] + sorted(n for n in data if n not in order)
