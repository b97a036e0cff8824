"""The sandbox for model scripts and expressions (pure: no SpiffWorkflow here).

Contract:
- Source compiles with RestrictedPython under `Policy` (`sandbox_policy`): no names or
  attributes starting with `_`, no import, class, yield or `printed`, and `print`
  prints nothing; `+ * ** << %` and `*x` become size-checking guard calls; f-string
  format specs must be constant and narrow. Refusals raise `ScriptRejected`. Compiled
  code is cached per source.
- Code runs with RestrictedPython's safe builtins minus a few, size-checked builders,
  guarded attribute access and the helpers (dates, Finnish working days). There is no
  import, I/O, `type`, `getattr`, `eval`, `globals` or class. Expressions cannot call
  methods that change lists, dicts or sets.
- Budgets: past `Budget.seconds` of the running thread's CPU time (so a busy machine
  does not fail a script that waited for a core) a line tracer on the script's own
  frames, and checks
  at the top of every loop, function, lambda and handler, raise `BudgetExceeded`;
  guards refuse results over `Budget.max_size` items or characters and integers over
  `MAX_INT_BITS`. Other errors raise `ScriptFailed("NameError: ... (line 2)")`.
- Results are plain data (None, numbers, text, dates, lists, tuples, sets, dicts), at
  most `max_size` items and characters written out. `execute` drops the functions the
  script defined; on any failure the caller's namespace is left as it was.
- Not stoppable here: a single C-level call that runs long on shared structure, e.g.
  `==`, `hash` or `repr` of `x = [x, x]` doubled 60 times (the tracer acts between
  lines), or one that crashes CPython. So the engine never calls this module itself:
  it goes through `sandbox_pool`, which runs it in a worker process with kernel limits
  and a watchdog.

Layout (this module is the whole public API; the others are its parts):
- `sandbox_errors`: `Budget` and the `ScriptError` family.
- `sandbox_policy`: compile time, the AST rewriting `Policy` and its limits.
- `sandbox_guards`: run time, the guards, builders and size checks of a `Run`.
- `sandbox_helpers`: dates, working days and the builtins that need no run.
Here: compiling (cached), running under the line tracer, checking results.
"""

from __future__ import annotations

import re
import sys
import time
import traceback
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from datetime import time as time_of_day
from functools import lru_cache
from itertools import chain
from types import CodeType, FrameType
from typing import Any, Literal

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec

from pathways.calendar import finnish_calendar
from pathways.engine.sandbox_errors import (
    Budget,
    BudgetExceeded,
    ScriptError,
    ScriptFailed,
    ScriptRejected,
)
from pathways.engine.sandbox_guards import RESERVED, Run
from pathways.engine.sandbox_helpers import (
    MAX_ROUND_DIGITS,
    MAX_WORKING_DAYS,
    add_working_days,
    iso_duration,
    parse_date,
    today,
    working_days_deadline,
    working_days_later,
)
from pathways.engine.sandbox_policy import (
    FILENAME,
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    MAX_SPEC_LENGTH,
    Policy,
)
from pathways.engine.syntax import AST_LOCK

__all__ = [
    "FILENAME",
    "MAX_DEPTH",
    "MAX_FORMAT_WIDTH",
    "MAX_INT_BITS",
    "MAX_ROUND_DIGITS",
    "MAX_SPEC_LENGTH",
    "MAX_WORKING_DAYS",
    "Budget",
    "BudgetExceeded",
    "ScriptError",
    "ScriptFailed",
    "ScriptRejected",
    "add_working_days",
    "check",
    "compile_expression",
    "compile_script",
    "evaluate",
    "execute",
    "iso_duration",
    "parse_date",
    "today",
    "working_days_deadline",
    "working_days_later",
]

MAX_DEPTH = 100  # nesting of result data; also catches a list that contains itself
_SCALARS = (type(None), bool, int, float, complex, date, time_of_day, timedelta)


# ---------------------------------------------------------------- compiling


@lru_cache(maxsize=4096)
def _compile_cached(source: str, mode: str) -> CodeType | tuple[str, int | None]:
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    try:
        with AST_LOCK:
            result = compiler(source, filename=FILENAME, policy=Policy)
    except (ValueError, SyntaxError, RecursionError, MemoryError) as error:
        return f"{type(error).__name__}: {error}", None
    if result.errors:
        found = re.match(r"Line (\d+):", result.errors[0])
        return "; ".join(result.errors), int(found.group(1)) if found else None
    assert result.code is not None  # no errors means code
    return result.code


def _compiled(source: str, mode: str) -> CodeType:
    result = _compile_cached(source, mode)
    if isinstance(result, CodeType):
        return result
    raise ScriptRejected(*result)  # a fresh exception each time: no shared traceback


def compile_script(source: str) -> CodeType:
    """Compile statements for `execute`; raises ScriptRejected."""
    return _compiled(source, "exec")


def compile_expression(source: str) -> CodeType:
    """Compile an expression for `evaluate`; raises ScriptRejected."""
    return _compiled(source, "eval")


def check(source: str, mode: Literal["exec", "eval"]) -> str | None:
    """None when `source` compiles in the sandbox, else the reason on one line."""
    try:
        _compiled(source, mode)
    except ScriptRejected as rejected:
        return " ".join(rejected.message.split())
    return None


# ---------------------------------------------------------------- running


class _Tracer:
    """The line tracer of one run: past its deadline, the script's next line raises."""

    def __init__(self, run: Run) -> None:
        self.deadline, self.seconds = run.deadline, run.seconds
        self.previous: Any = sys.gettrace()

    def calls(self, frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == FILENAME:
            return self.lines(frame, event, arg)
        # Other code (guards, helpers, libraries) keeps any earlier tracer, e.g. coverage.
        return self.previous and self.previous(frame, event, arg)

    def lines(self, frame: FrameType, event: str, arg: Any) -> Any:  # noqa: ARG002
        if time.thread_time() > self.deadline:  # raised from here, it has no traceback line
            raise BudgetExceeded(f"script ran longer than {self.seconds} s", frame.f_lineno)
        return self.lines


def _run(run: Run, code: CodeType, run_globals: dict[str, Any]) -> Any:
    """Run with the tracer on; every failure comes out as a located ScriptError."""
    failure: ScriptError
    tracer = _Tracer(run)
    sys.settrace(tracer.calls)  # this thread only
    try:
        return eval(code, run_globals)  # noqa: S307 - restricted code, guarded globals
    except Exception as error:  # whatever the script raised
        failure = _located(error)
    finally:
        sys.settrace(tracer.previous)
    raise failure  # outside the handler: no __context__ keeping the script's frames


def _located(error: Exception) -> ScriptError:
    """The error as a ScriptError naming the innermost script line, frames released."""
    line = getattr(error, "line", None)
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == FILENAME:
            line = trace.tb_lineno
        trace = trace.tb_next
    suffix = f" (line {line})" if line else ""
    if isinstance(error, ScriptError):
        failure = type(error)(error.message + suffix, line)
    else:
        failure = ScriptFailed(f"{type(error).__name__}: {error}"[:500] + suffix, line)
        failure.__cause__ = error
    traceback.clear_frames(error.__traceback__)
    error.with_traceback(None)
    return failure


# ---------------------------------------------------------------- results


# SpiffWorkflow's serializer reads a dict with this key as a serialized object on load, so
# a script or a decision table that writes one would make its case impossible to load.
_TYPE_TAG = "typename"


def _check_data(label: str, value: object, run: Run) -> None:
    """Refuse anything but plain data, and data too large or deep once written out.

    The walk counts shared parts each time they occur, as JSON would write them out,
    and its time counts against the script's budget."""
    left = max_size = run.max_size
    pending: list[tuple[object, int]] = [(value, 0)]
    steps = 0
    while pending:
        item, depth = pending.pop()
        steps += 1
        if steps % 4096 == 0:
            run.check_time()
        if depth > MAX_DEPTH:
            raise ScriptFailed(f"{label} is nested deeper than {MAX_DEPTH} levels")
        parts: Iterable[object] = ()
        if isinstance(item, str | bytes):
            left -= len(item)
        elif isinstance(item, dict):
            if _TYPE_TAG in item:  # the serializer would read it back as an object
                raise ScriptFailed(f"{label} uses the reserved key '{_TYPE_TAG}'")
            left, parts = left - 1 - 2 * len(item), chain.from_iterable(item.items())
        elif isinstance(item, list | tuple | set | frozenset):
            left, parts = left - 1 - len(item), item
        elif isinstance(item, _SCALARS):
            left -= 1
        else:
            raise ScriptFailed(f"{label} holds a {type(item).__name__}, which is not data")
        if left < 0:  # before queueing the parts: the queue stays under max_size
            raise BudgetExceeded(f"{label} is larger than {max_size} items when written out")
        pending += [(part, depth + 1) for part in parts]


def _harvest(run_globals: dict[str, Any], before: Mapping[str, Any], run: Run) -> dict[str, Any]:
    kept = {name: before[name] for name in RESERVED if name in before}  # never in scope
    for name, value in run_globals.items():
        if name in RESERVED or callable(value):  # the script's functions are its tools
            continue
        if value is not before.get(name) or not isinstance(value, (str, bytes, *_SCALARS)):
            _check_data(f"variable '{name}'", value, run)
        kept[name] = value
    return kept


def evaluate(source: str, namespace: Mapping[str, Any], budget: Budget) -> Any:
    """The value of expression `source` over `namespace`, which it cannot change."""
    finnish_calendar()  # the holiday tables load before the run's clock starts
    run = Run(budget, mutable=False)
    value = _run(run, compile_expression(source), run.globals_for(namespace))
    _check_data("the expression's value", value, run)
    return value


def execute(source: str, namespace: dict[str, Any], budget: Budget) -> None:
    """Run script `source`; on success `namespace` holds the data it left."""
    finnish_calendar()  # the holiday tables load before the run's clock starts
    run = Run(budget, mutable=True)
    run_globals = run.globals_for(namespace)
    _run(run, compile_script(source), run_globals)
    kept = _harvest(run_globals, namespace, run)
    namespace.clear()
    namespace.update(kept)
