"""Parsing Python source into syntax trees, one thread at a time.

CPython 3.11 keeps the depth counter of its AST conversions in state shared by all
threads: two threads converting at once can each see the other's count and fail with
"AST constructor recursion depth mismatch" (fixed in later versions). Every parse or
compile of a tree in this process goes through `AST_LOCK`; compiled code is cached,
so the lock is taken about once per distinct expression.
"""

from __future__ import annotations

import ast
import threading
from typing import Literal

AST_LOCK = threading.Lock()


def parse(source: str, mode: Literal["exec", "eval"] = "exec") -> ast.Module | ast.Expression:
    """`ast.parse` under the lock; raises SyntaxError as it does."""
    with AST_LOCK:
        return ast.parse(source, mode=mode)  # type: ignore[return-value]
