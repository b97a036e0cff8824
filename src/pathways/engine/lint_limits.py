"""Lint of what would parse but cannot run: timer values out of range, endless or too
fast cycles, and expressions whose constant parts already break the sandbox's budget.

Contract:
- `timer_value_problem(definition, value)` is None for a timer value the engine can
  schedule, else why not: a duration or date more than `MAX_TIMER_YEARS` away (e.g.
  `P10000000000D`, which overflows), a cycle without a repetition bound (`R/PT1H`),
  with more than `MAX_CYCLES` repetitions or with a period under `MIN_CYCLE_SECONDS`
  (`R/PT1S`). Lint asks it at deploy; the engine asks it again of values computed from
  case data at run time.
- `constant_parts_problem(source, mode, budget)` evaluates, in a script worker, each
  largest part of the source that reads no data (numbers, texts, operators, calls of
  builtins on them) and names the first that exceeds the budget, e.g. `'x' * 10**10`
  or `sum(range(10**12))`. Other failures of such parts are left to run time: the
  branch holding them may never run.
"""

from __future__ import annotations

import ast
import builtins
import re
from datetime import datetime, timedelta
from typing import Any, Literal

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)

from pathways import clock
from pathways.engine import sandbox_pool, syntax
from pathways.engine.sandbox_errors import Budget, BudgetExceeded, ScriptError
from pathways.engine.timing import add_duration, parse_duration
from pathways.errors import Text

MAX_TIMER_YEARS = 100
MIN_CYCLE_SECONDS = 60
MAX_CYCLES = 10_000
MAX_CONSTANT_PARTS = 20  # per source: each is a round trip to a worker

_HORIZON = timedelta(days=366 * MAX_TIMER_YEARS)


def timer_value_problem(definition: Any, value: object) -> Text | None:
    if not isinstance(value, str):
        return Text(
            'timer expression gives {type}, not a string such as "P14D"', type=type(value).__name__
        )
    try:
        if isinstance(definition, CycleTimerEventDefinition):
            return _cycle_problem(value)
        if isinstance(definition, DurationTimerEventDefinition):
            return duration_problem(value)
        moment = TimerEventDefinition.parse_time_or_duration(value)
    except Exception:  # noqa: BLE001 — SpiffWorkflow raises plain Exception for bad values
        return _timer_word(definition, value[:40])
    if isinstance(moment, datetime):
        return _moment_problem(value, moment)
    return duration_problem(value)


def _too_far(value: str) -> Text:
    return Text(
        "timer value '{value}' is more than {years} years away",
        value=value[:40],
        years=MAX_TIMER_YEARS,
    )


def duration_problem(value: str) -> Text | None:
    """None for a duration that ends within range; ValueError for no duration at all."""
    parse_duration(value)
    now = clock.now()
    try:
        later = add_duration(now, value)
    except (OverflowError, ValueError):
        return _too_far(value)
    return _too_far(value) if later - now > _HORIZON else None


def _moment_problem(value: str, moment: datetime) -> Text | None:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.HELSINKI)
    return _too_far(value) if abs(moment - clock.now()) > _HORIZON else None


def _cycle_problem(value: str) -> Text | None:
    try:
        cycles, start, period = TimerEventDefinition.parse_iso_recurring_interval(value)
    except (OverflowError, ValueError):
        return _too_far(value)
    if cycles < 0:
        return Text(
            "timer cycle '{value}' repeats without end: give the number of repetitions,"
            " e.g. R3/P1D",
            value=value[:40],
        )
    if cycles > MAX_CYCLES:
        return Text(
            "timer cycle '{value}' repeats more than {cycles} times",
            value=value[:40],
            cycles=MAX_CYCLES,
        )
    if period.total_seconds() < MIN_CYCLE_SECONDS:
        return Text("timer cycle '{value}' repeats more often than once a minute", value=value[:40])
    if start.tzinfo is None:
        start = start.replace(tzinfo=clock.HELSINKI)
    try:
        end = start + period * cycles
    except OverflowError:
        return _too_far(value)
    return _too_far(value) if abs(end - clock.now()) > _HORIZON else None


def _timer_word(definition: Any, value: str) -> Text:
    if isinstance(definition, CycleTimerEventDefinition):
        return Text(
            "timer value '{value}' is not a valid ISO 8601 cycle such as R3/PT1H", value=value
        )
    if isinstance(definition, DurationTimerEventDefinition):
        return Text(
            "timer value '{value}' is not a valid ISO 8601 duration such as P14D"
            ' (quoted: "P14D")',
            value=value,
        )
    return Text(
        "timer value '{value}' is not a valid ISO 8601 date-time with an offset", value=value
    )


# ---------------------------------------------------------------- constant parts

_LINE_SUFFIX = re.compile(r" \(line \d+\)$")
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
_COSTLY = (ast.BinOp, ast.Call)
_NO_DATA = (
    ast.Constant,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.Tuple,
    ast.List,
    ast.Set,
    ast.Dict,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.Call,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.keyword,
    ast.Load,
    ast.operator,
    ast.unaryop,
    ast.boolop,
    ast.cmpop,
)


def _reads_no_data(node: ast.AST, bound: frozenset[str]) -> bool:
    for part in ast.walk(node):
        if isinstance(part, ast.Name):
            if part.id not in _BUILTINS or part.id in bound:
                return False
        elif not isinstance(part, _NO_DATA):
            return False
    return True


def _bound_names(tree: ast.AST) -> frozenset[str]:
    """Names the source assigns or defines: a builtin's name may be shadowed."""
    names = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    names |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    names |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args}
    return frozenset(names)


def constant_parts(source: str, mode: Literal["exec", "eval"]) -> list[tuple[int, str]]:
    """The largest parts of `source` that read no data and may cost something: line, text."""
    tree = syntax.parse(source, mode=mode)
    bound = _bound_names(tree)
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.expr) and _reads_no_data(node, bound):
            if any(isinstance(part, _COSTLY) for part in ast.walk(node)):
                found.append((node.lineno, ast.unparse(node)))
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found[:MAX_CONSTANT_PARTS]


def constant_parts_problem(
    source: str, mode: Literal["exec", "eval"], budget: Budget
) -> Text | None:
    for line, part in constant_parts(source, mode):
        try:
            sandbox_pool.evaluate(part, {}, budget)
        except BudgetExceeded as exceeded:
            reason = _LINE_SUFFIX.sub("", exceeded.message)
            return Text(
                "'{part}' (line {line}) already breaks the budget: {reason}",
                part=part[:60],
                line=line,
                reason=reason,
            )
        except ScriptError:
            continue  # it may sit in a branch that never runs
    return None
