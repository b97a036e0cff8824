"""The wire format between the server and its script workers: tagged JSON.

Contract:
- `encode(value)` turns plain data (None, bool, int, float, complex, str, bytes, list,
  tuple, set, frozenset, dict, date, datetime, time, timedelta) into a JSON-safe tree
  and `decode` turns it back into equal values of the same types. Anything else is a
  `TypeError`. Large integers travel as hexadecimal text, which has no digit limit.
- JSON-native values travel as themselves; the rest as `{"\\u0000": tag, "v": ...}`.
  A dict with a key that is not text, or with the key "\\u0000", travels as its pairs.
- Pure and shared by both sides; `frame`/`read_frame` are the length-prefixed frames.
- Never pickle: a worker runs hostile code, and nothing it sends may build objects here.
"""

from __future__ import annotations

import json
import struct
from datetime import date, datetime, time, timedelta
from typing import Any

TAG = "\u0000"
_BIG = 1 << 62
HEADER = struct.Struct(">I")


_PLAIN = frozenset({str, float, bool, type(None)})


def _item(value: Any) -> Any:
    # Inlined checks for the common case: most task data is text and small numbers.
    kind = type(value)
    if kind in _PLAIN or (kind is int and -_BIG < value < _BIG):
        return value
    return encode(value)


def encode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return [_item(item) for item in value]
    if kind is dict:
        if TAG not in value and all(type(key) is str for key in value):
            return {key: _item(item) for key, item in value.items()}
        return {TAG: "dict", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, int) and not isinstance(value, bool):
        value = int(value)
        return value if -_BIG < value < _BIG else {TAG: "int", "v": hex(value)}
    return _encode_other(value)


def _encode_other(value: Any) -> Any:  # noqa: C901 — one branch per type, flat
    kind = type(value)
    if kind is tuple:
        return {TAG: "tuple", "v": [_item(item) for item in value]}
    if kind is set or kind is frozenset:
        return {TAG: kind.__name__, "v": [_item(item) for item in value]}
    if isinstance(value, datetime):  # before date, its base
        return {TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, date | time):
        return {TAG: "date" if isinstance(value, date) else "time", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {TAG: "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if kind is complex:
        return {TAG: "complex", "v": [value.real, value.imag]}
    if kind is bytes:
        return {TAG: "bytes", "v": value.hex()}
    if isinstance(value, str | float):  # subclasses of the plain kinds
        return str(value) if isinstance(value, str) else float(value)
    raise TypeError(f"a {kind.__name__} is not data")


_DECODERS: dict[str, Any] = {
    "int": lambda v: int(v, 16),
    "tuple": lambda v: tuple(decode(item) for item in v),
    "set": lambda v: {decode(item) for item in v},
    "frozenset": lambda v: frozenset(decode(item) for item in v),
    "dict": lambda v: {decode(k): decode(item) for k, item in v},
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda v: timedelta(days=v[0], seconds=v[1], microseconds=v[2]),
    "complex": lambda v: complex(v[0], v[1]),
    "bytes": bytes.fromhex,
}


def decode(tree: Any) -> Any:
    kind = type(tree)
    if kind is list:
        return [item if type(item) in _SCALAR_JSON else decode(item) for item in tree]
    if kind is dict:
        tag = tree.get(TAG)
        if tag is None:
            return {
                key: item if type(item) in _SCALAR_JSON else decode(item)
                for key, item in tree.items()
            }
        return _DECODERS[tag](tree["v"])
    return tree


_SCALAR_JSON = frozenset({str, int, float, bool, type(None)})


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass"
    )
    return HEADER.pack(len(body)) + body


def parse(body: bytes) -> dict[str, Any]:
    message = json.loads(body.decode("utf-8", "surrogatepass"))
    if not isinstance(message, dict):
        raise ValueError("a frame holds an object")
    return message
