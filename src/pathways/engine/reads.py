"""What a built spec says about its steps without loading a workflow: task properties, and
the names its conditions, scripts and timer expressions read.

Both come from the stored spec JSON (the version's and its called processes'), so a
step inside a called process is found as well as one of the model itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

_EXPRESSION_KEYS = frozenset({"condition", "script", "prescript", "postscript", "expression"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=64)
def task_properties(spec: str) -> dict[str, dict[str, str]]:
    """BPMN id → the spiffworkflow properties of each task in the spec and its subprocesses."""
    found: dict[str, dict[str, str]] = {}
    for node in _nodes(json.loads(spec)):
        extensions = node.get("extensions")
        bpmn_id = node.get("bpmn_id")
        if isinstance(bpmn_id, str) and isinstance(extensions, dict):
            properties = extensions.get("properties")
            if isinstance(properties, dict):
                found[bpmn_id] = {str(k): str(v) for k, v in properties.items()}
    return found


@lru_cache(maxsize=64)
def names_read(spec: str) -> frozenset[str]:
    """Every identifier that appears in a condition, script or timer expression."""
    names: set[str] = set()
    for node in _nodes(json.loads(spec)):
        for key, value in node.items():
            if key in _EXPRESSION_KEYS and isinstance(value, str):
                names.update(_NAME.findall(value))
    return frozenset(names)


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _nodes(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _nodes(inner)
