"""Guards on data that enters a workflow from outside (forms, messages, start requests)."""

from __future__ import annotations

import math
from typing import Any

from pathways.errors import InvalidData

# SpiffWorkflow's serializer reads any dict with this key as a serialized object on load,
# so one such value could make a case impossible to load again.
_TYPE_TAG = "typename"
_MAX_DEPTH = 32


def check_incoming(data: Any, where: str = "data") -> None:
    """Refuse values the engine cannot store safely; `where` names the input in the error."""
    _walk(data, where, 0)


def _walk(value: Any, path: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise InvalidData(f"{path} is nested deeper than {_MAX_DEPTH} levels")
    if isinstance(value, dict):
        if _TYPE_TAG in value:
            raise InvalidData(f"{path} uses the reserved key '{_TYPE_TAG}'")
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidData(f"{path} has a key that is not a string")
            _walk(item, f"{path}.{key[:40]}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        # Python's JSON reader accepts NaN and Infinity; JSON (and PostgreSQL) do not.
        raise InvalidData(f"{path} is not a finite number")
    elif value is not None and not isinstance(value, str | int | float | bool):
        raise InvalidData(f"{path} holds a {type(value).__name__}, which is not JSON data")
