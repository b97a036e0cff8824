"""The sandbox for model scripts and expressions (pure: no SpiffWorkflow here).

Contract:
- Source compiles with RestrictedPython under `_Policy`: no names or attributes
  starting with `_`, no import, class, yield or print; `+ * ** << %` and `*x` become
  size-checking guard calls; f-string format specs must be constant and narrow.
  Refusals raise `ScriptRejected`. Compiled code is cached per source.
- Code runs with RestrictedPython's safe builtins minus a few, size-checked builders,
  guarded attribute access and the helpers (dates, Finnish working days). There is no
  import, I/O, `type`, `getattr`, `eval`, `globals` or class. Expressions cannot call
  methods that change lists, dicts or sets.
- Budgets: past `Budget.seconds` a line tracer on the script's own frames, and checks
  at the top of every loop, function, lambda and handler, raise `BudgetExceeded`;
  guards refuse results over `Budget.max_size` items or characters and integers over
  `MAX_INT_BITS`. Other errors raise `ScriptFailed("NameError: ... (line 2)")`.
- Results are plain data (None, numbers, text, dates, lists, tuples, sets, dicts), at
  most `max_size` items and characters written out. `execute` drops the functions the
  script defined; on any failure the caller's namespace is left as it was.
- Not stoppable: a single C-level call that runs long on shared structure, e.g. `==`,
  `hash` or `repr` of `x = [x, x]` doubled 60 times. The tracer acts between lines.
"""

from __future__ import annotations

import ast
import codecs
import operator
import re
import string
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sized
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from functools import lru_cache
from itertools import chain, islice
from types import CodeType, FrameType
from typing import Any, Literal, cast

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr_raise,
)
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

from pathways import clock
from pathways.calendar import finnish_calendar

FILENAME = "<pathway script>"
MAX_INT_BITS = 100_000  # keeps every big-int operation in the millisecond range
MAX_FORMAT_WIDTH = 100_000  # widths in f-string format specs (compile time)
MAX_SPEC_LENGTH = 1000  # format specs and strptime formats: strftime/_strptime cost
MAX_DEPTH = 100  # nesting of result data; also catches a list that contains itself
MAX_WORKING_DAYS = 10_000  # about 40 years: the calendar steps day by day
MAX_ROUND_DIGITS = 4300  # round(1, -10**7) computes 10**(10**7) in C


@dataclass(frozen=True)
class Budget:
    seconds: float = 1.0
    max_size: int = 1_000_000


class ScriptError(Exception):
    """A script or expression that the sandbox refused or that failed."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class ScriptRejected(ScriptError):
    """It does not compile in the sandbox (syntax error or forbidden construct)."""


class ScriptFailed(ScriptError):
    """It raised an error while running."""


class BudgetExceeded(ScriptFailed):
    """It ran too long or built too large a value."""


# ---------------------------------------------------------------- compiling

_OPERATORS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}
_GUARDS = {"+": "_add_", "*": "_mul_", "**": "_pow_", "<<": "_lshift_", "%": "_mod_"}


def _call(name: str, args: list[ast.expr], where: ast.expr | ast.stmt) -> ast.Call:
    node = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    copy_locations(node, where)
    copy_locations(node.func, where)
    return node


def _check_first(block: list[ast.stmt]) -> None:
    if block:
        block.insert(0, ast.Expr(_call("_check_time_", [], block[0])))
        copy_locations(block[0], block[1])


def _spec_problem(spec: str, width_limit: int) -> str | None:
    if "{" in spec:
        return "nested format fields are not allowed"
    if len(spec) > MAX_SPEC_LENGTH:
        return f"format specs are limited to {MAX_SPEC_LENGTH} characters"
    if any(len(d) > 12 or int(d) > width_limit for d in re.findall(r"\d+", spec)):
        return f"format widths are limited to {width_limit}"
    return None


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus size guards, deadline checks and more refusals."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = _OPERATORS.get(type(node.op))
        return node if symbol is None else _call(_GUARDS[symbol], [node.left, node.right], node)

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        node = self.node_contents_visit(node)
        if isinstance(node.ctx, ast.Load):  # [*x, *x] doubles a list with no operator
            node.value = _call("_starred_", [node.value], node.value)
        return node

    # The line tracer misses `while True: pass` (one instruction jumping to itself)
    # and CPython switches a tracer off once it has raised, so a handler swallowing
    # BudgetExceeded would run on unwatched. Hence explicit deadline checks.

    def visit_While(self, node: ast.While) -> ast.AST:
        node = self.node_contents_visit(node)
        _check_first(node.body)
        return node

    def visit_For(self, node: ast.For) -> ast.AST:
        node = cast(ast.For, super().visit_For(node))
        _check_first(node.body)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = cast(ast.FunctionDef, super().visit_FunctionDef(node))
        _check_first(node.body)
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = cast(ast.Lambda, super().visit_Lambda(node))
        node.body = ast.BoolOp(ast.Or(), [_call("_check_time_", [], node.body), node.body])
        copy_locations(node.body, node.body.values[1])
        return node

    def visit_Try(self, node: ast.Try) -> ast.AST:
        node = self.node_contents_visit(node)
        for block in [handler.body for handler in node.handlers] + [node.finalbody]:
            _check_first(block)
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        parts = node.format_spec.values if isinstance(node.format_spec, ast.JoinedStr) else []
        texts = [str(part.value) for part in parts if isinstance(part, ast.Constant)]
        if len(texts) < len(parts):
            self.error(node, "format specs must be constant")
        elif problem := _spec_problem("".join(texts), MAX_FORMAT_WIDTH):
            self.error(node, problem)
        return self.node_contents_visit(node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, int) and node.value.bit_length() > MAX_INT_BITS:
            self.error(node, f"number literals are limited to {MAX_INT_BITS} bits")
        return self.node_contents_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in ("print", "printed"):
            return self._refuse(node, "print and printed (scripts have no output)")
        return cast(ast.AST, super().visit_Name(node))

    def _refuse(self, node: ast.AST, what: str) -> ast.AST:
        self.error(node, f"{what} are not allowed")
        return node

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> ast.AST:
        return self._refuse(node, "import statements")

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return self._refuse(node, "class definitions")

    def visit_Yield(self, node: ast.Yield | ast.YieldFrom) -> ast.AST:
        # A suspended generator's `finally` would run when collected, after the run.
        return self._refuse(node, "generator functions (yield)")

    visit_ImportFrom = visit_Import
    visit_YieldFrom = visit_Yield


@lru_cache(maxsize=4096)
def _compile_cached(source: str, mode: str) -> CodeType | tuple[str, int | None]:
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    try:
        result = compiler(source, filename=FILENAME, policy=_Policy)
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


# ---------------------------------------------------------------- helpers for scripts


def _local(moment: datetime) -> datetime:
    """Helsinki wall-clock time; a naive datetime is taken to be Helsinki time already."""
    return clock.local(moment) if moment.tzinfo else moment.replace(tzinfo=clock.HELSINKI)


def _start_moment(given: date | datetime | str) -> datetime:
    start: object = given
    if isinstance(given, str):
        try:
            start = date.fromisoformat(given.strip())
        except ValueError:
            start = datetime.fromisoformat(given.strip())
    if isinstance(start, datetime):
        return _local(start)
    if isinstance(start, date):
        return datetime.combine(start, time_of_day(0), tzinfo=clock.HELSINKI)
    raise TypeError(f"a start must be a date or ISO 8601 text, not {type(start).__name__}")


def _checked_days(n: int) -> int:
    if not isinstance(n, int) or not 0 <= n <= MAX_WORKING_DAYS:
        raise ValueError(f"working days must be a whole number from 0 to {MAX_WORKING_DAYS}")
    return n


def today() -> date:
    """Today in Helsinki."""
    return clock.local(clock.now()).date()


def parse_date(s: str) -> date:
    """A date from ISO 8601 text; a date-time gives its Helsinki date."""
    if not isinstance(s, str):
        raise TypeError(f"parse_date() needs text, not {type(s).__name__}")
    return _start_moment(s).date()


def add_working_days(start: date | str, n: int) -> date:
    """The date n Finnish working days after `start` (a date, or ISO 8601 text)."""
    return finnish_calendar().add_working_days(_start_moment(start).date(), _checked_days(n))


def working_days_later(n: int, start: date | datetime | str | None = None) -> str:
    """ISO 8601 date-time with offset n working days after `start` (default: now), at
    the same Helsinki clock time (a bare date means midnight). For BPMN timeDate."""
    moment = clock.now() if start is None else _start_moment(start)
    later = finnish_calendar().working_days_after(moment, _checked_days(n))
    return clock.local(later).isoformat("T", "seconds")


def iso_duration(days: int = 0, hours: int = 0, minutes: int = 0) -> str:
    """'P14D', 'PT2H', 'P1DT2H30M'; all zero gives 'P0D'."""
    if not all(isinstance(part, int) and part >= 0 for part in (days, hours, minutes)):
        raise ValueError("iso_duration() takes whole, non-negative numbers")
    clock_part = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    text = (f"{days}D" if days else "") + (f"T{clock_part}" if clock_part else "")
    return "P" + (text or "0D")


def _round(number: Any, ndigits: int | None = None) -> Any:
    if isinstance(ndigits, int) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise ValueError(f"round() digits must be within ±{MAX_ROUND_DIGITS}")
    return round(number) if ndigits is None else round(number, ndigits)


def _sum(iterable: Iterable[Any], /, start: Any = 0) -> Any:
    if not isinstance(start, int | float | complex):  # sum(lists, []) is quadratic in C
        raise TypeError("sum() adds numbers only; use + or ''.join() for sequences")
    return sum(iterable, start)


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def _import_for_c(name: str, *args: Any, **kwargs: Any) -> Any:
    # C code such as date.strftime imports `time` through the running frame's builtins.
    # Scripts cannot name this (underscore) and `import` does not compile.
    if name != "time":
        raise ImportError(f"import of {name} is not available in scripts")
    return __import__(name, *args, **kwargs)


def _strptime(text: str, form: str) -> datetime:
    if len(text) > MAX_SPEC_LENGTH or len(form) > MAX_SPEC_LENGTH:  # _strptime is Python
        raise ValueError(f"strptime() takes at most {MAX_SPEC_LENGTH} characters")
    return datetime.strptime(text, form)  # noqa: DTZ007 - same as the script asked for


# Replaced by guarded versions, or left out: scripts must not raise what the engine's
# `except Exception` would not catch.
_LEFT_OUT = {"setattr", "delattr", "issubclass", "pow", "round", "range", "int"}
_LEFT_OUT |= {"BaseException", "KeyboardInterrupt", "SystemExit", "GeneratorExit"}
_PLAIN: tuple[Any, ...] = (len, min, max, any, all, abs, divmod, str, float, bool, enumerate)
_PLAIN += (zip, reversed, map, filter, date, datetime, timedelta, today, parse_date)
_PLAIN += (add_working_days, working_days_later, iso_duration)
_STATIC_BUILTINS: dict[str, Any] = {
    **{k: v for k, v in safe_builtins.items() if k[0] != "_" and k not in _LEFT_OUT},
    **{f.__name__: f for f in _PLAIN},
    **{"round": _round, "sum": _sum, "now": clock.now, "__import__": _import_for_c},
}


# ---------------------------------------------------------------- guards

_SEQUENCES = (str, bytes, list, tuple)
_SCALARS = (type(None), bool, int, float, complex, date, time_of_day, timedelta)
_TEXT_METHODS = {"capitalize", "casefold", "count", "endswith", "find", "fromhex", "hex"}
_TEXT_METHODS |= {"index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "lower"}
_TEXT_METHODS |= {"isidentifier", "islower", "isnumeric", "isprintable", "isspace", "title"}
_TEXT_METHODS |= {"istitle", "isupper", "lstrip", "partition", "removeprefix", "rfind"}
_TEXT_METHODS |= {"removesuffix", "rindex", "rpartition", "rsplit", "rstrip", "split"}
_TEXT_METHODS |= {"splitlines", "startswith", "strip", "swapcase", "upper"}
_MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"}
_MUTATORS |= {"update", "setdefault", "popitem", "add", "discard", "difference_update"}
_MUTATORS |= {"intersection_update", "symmetric_difference_update"}
_CODECS = {"utf-8", "utf-8-sig", "ascii", "iso8859-1", "iso8859-15", "cp1252", "utf-16"}
_Operator = Callable[[Any, Any], Any]
_BINARY: dict[str, _Operator] = {
    "+": operator.add, "*": operator.mul, "**": operator.pow, "<<": operator.lshift,
    "%": operator.mod,
}  # fmt: skip
_INPLACE: dict[str, _Operator] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "%=": operator.imod,
}  # fmt: skip
_INPLACE |= {"/=": operator.itruediv, "//=": operator.ifloordiv, "**=": operator.ipow}
_INPLACE |= {"<<=": operator.ilshift, ">>=": operator.irshift, "&=": operator.iand}
_INPLACE |= {"|=": operator.ior, "^=": operator.ixor, "@=": operator.imatmul}
_CONVERSIONS: dict[str, Callable[[Any], str]] = {"r": repr, "s": str, "a": ascii}
_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_RESERVED = {"__builtins__", "_getattr_", "_getitem_", "_getiter_", "_iter_unpack_sequence_"}
_RESERVED |= {"_unpack_sequence_", "_write_", "_inplacevar_", "_apply_", "_check_time_"}
_RESERVED |= {"_starred_", *_GUARDS.values()}


def _refuse_attribute(kind: type, name: str, mutable: bool) -> None:
    if issubclass(kind, str | bytes) and name not in _TEXT_METHODS:
        raise AttributeError(f"{kind.__name__}.{name} is not available in scripts")
    if name == "mro":  # on any class: the way back to `object`
        raise AttributeError("mro is not available in scripts")
    if issubclass(kind, date) and name in ("now", "today", "utcnow"):  # keep runs replayable
        raise AttributeError(f"use now() or today(), not {kind.__name__}.{name}()")
    if not mutable and issubclass(kind, list | dict | set) and name in _MUTATORS:
        raise AttributeError(f"an expression cannot change data ({kind.__name__}.{name})")


def _rough_size(value: object) -> int:
    if isinstance(value, int):
        return value.bit_length() // 3 + 2  # octal is the longest text of an int
    return len(value) if isinstance(value, Sized) else 32


def _bound(guard: Callable[..., Any], target: object) -> Callable[..., Any]:
    return lambda *args, **kwargs: guard(target, *args, **kwargs)


def _unbound(guard: Callable[..., Any], kind: type) -> Callable[..., Any]:
    def method(target: object, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(target, kind):  # str.join(a_list, x) must not reach a_list.join
            raise TypeError(f"{kind.__name__} method called on {type(target).__name__}")
        return guard(target, *args, **kwargs)

    return method


def _transcoder(method: str) -> Callable[..., Any]:
    # Python-level codecs (punycode, idna) are quadratic and would run untraced.
    def transcode(target: Any, encoding: str = "utf-8", errors: str = "strict") -> Any:
        if codecs.lookup(encoding).name not in _CODECS:
            raise LookupError(f"encoding {encoding!r} is not available in scripts")
        return getattr(target, method)(encoding, errors)

    return transcode


class _Run:
    """One run of one script or expression: its deadline, limits, guards and builtins."""

    def __init__(self, budget: Budget, *, mutable: bool) -> None:
        self.seconds, self.max_size, self.mutable = budget.seconds, budget.max_size, mutable
        self.deadline = time.monotonic() + budget.seconds
        self.previous_tracer: Any = None
        self.checks: dict[str, Callable[[Any, Any], None]] = {
            "+": self.check_add, "*": self.check_mul, "**": self.check_pow,
            "<<": self.check_lshift, "%": self.check_mod,
        }  # fmt: skip
        kinds: list[type] = [list, tuple, set, frozenset, dict, range, int]
        builders = [self.sized(kind) for kind in kinds[:4]]
        builders += [self.make_dict, self.make_range, self.make_int]
        self.real_types = {id(built): kind for built, kind in zip(builders, kinds, strict=True)}
        self.builtins = {**_STATIC_BUILTINS, "isinstance": self.is_instance, "pow": self.power}
        self.builtins |= {k.__name__: b for b, k in zip(builders, kinds, strict=True)}
        self.builtins["sorted"] = self.make_sorted
        self.methods: dict[tuple[type, str], Callable[..., Any]] = {
            (list, "extend"): self.extend, (int, "to_bytes"): self.to_bytes,
            (str, "format"): self.format_text, (str, "encode"): _transcoder("encode"),
            (bytes, "decode"): _transcoder("decode"),
        }  # fmt: skip
        for text in (str, bytes):
            self.methods |= {(text, pad): self.padder(pad) for pad in ("ljust", "rjust")}
            self.methods |= {(text, pad): self.padder(pad) for pad in ("center", "zfill")}
            self.methods |= {(text, "expandtabs"): self.expandtabs, (text, "join"): self.join}
            self.methods[text, "replace"] = self.replace
        # Class-level functions, the same whether reached from the class or an instance.
        self.statics = {(int, "from_bytes"): self.int_from_bytes, (datetime, "strptime"): _strptime}

    def globals_for(self, namespace: Mapping[str, Any]) -> dict[str, Any]:
        guards = {
            "_getattr_": self.get_attribute, "_getitem_": operator.getitem,
            "_getiter_": self.getiter, "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_unpack_sequence_": guarded_unpack_sequence, "_write_": full_write_guard,
            "_inplacevar_": self.inplacevar, "_apply_": _apply, "_check_time_": self.check_time,
            "_starred_": self.starred,
        }  # fmt: skip
        guards |= {_GUARDS[symbol]: self.binop(symbol) for symbol in self.checks}
        # Data may shadow a helper (its name is the model author's choice), never a guard.
        return {**namespace, "__builtins__": self.builtins, **guards}

    # -- budgets

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"script ran longer than {self.seconds} s")

    def check_size(self, size: object) -> None:
        if isinstance(size, int) and size > self.max_size:
            raise BudgetExceeded(f"script built a value larger than {self.max_size} items")

    def check_bits(self, bits: int) -> None:
        if bits > MAX_INT_BITS:
            raise BudgetExceeded(f"script built a number larger than {MAX_INT_BITS} bits")

    def collect(self, iterable: Iterable[Any]) -> list[Any]:
        items = list(islice(iterable, self.max_size + 1))
        self.check_size(len(items))
        return items

    def trace_calls(self, frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == FILENAME:
            return self.trace_lines(frame, event, arg)
        # Other code (guards, helpers, libraries) keeps any earlier tracer, e.g. coverage.
        return self.previous_tracer and self.previous_tracer(frame, event, arg)

    def trace_lines(self, frame: FrameType, event: str, arg: Any) -> Any:  # noqa: ARG002
        if time.monotonic() > self.deadline:  # raised from here, it has no traceback line
            raise BudgetExceeded(f"script ran longer than {self.seconds} s", frame.f_lineno)
        return self.trace_lines

    def run(self, code: CodeType, run_globals: dict[str, Any]) -> Any:
        """Run with the tracer on; every failure comes out as a located ScriptError."""
        failure: ScriptError
        self.previous_tracer = sys.gettrace()
        sys.settrace(self.trace_calls)  # this thread only
        try:
            return eval(code, run_globals)  # noqa: S307 - restricted code, guarded globals
        except Exception as error:  # whatever the script raised
            failure = _located(error)
        finally:
            sys.settrace(self.previous_tracer)
        raise failure  # outside the handler: no __context__ keeping the script's frames

    # -- operators: estimate the result's size before computing it

    def check_add(self, a: object, b: object) -> None:
        if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
            self.check_size(len(a) + len(b))

    def check_mul(self, a: object, b: object) -> None:
        if isinstance(a, int) and isinstance(b, int):
            self.check_bits(a.bit_length() + b.bit_length())
        elif isinstance(a, _SEQUENCES) and isinstance(b, int):
            self.check_size(len(a) * b)
        elif isinstance(a, int) and isinstance(b, _SEQUENCES):
            self.check_size(a * len(b))

    def check_pow(self, a: object, b: object) -> None:
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
            self.check_bits(a.bit_length() * b)

    def check_lshift(self, a: object, b: object) -> None:
        if isinstance(a, int) and isinstance(b, int) and a:
            self.check_bits(a.bit_length() + b)

    def check_mod(self, template: object, values: object) -> None:
        if not isinstance(template, str | bytes):
            return
        text = template.decode("latin-1") if isinstance(template, bytes) else template
        fields = _PRINTF_FIELD.findall(text)
        widths = [number for field in fields for number in field if number]
        if "*" in widths:
            raise ValueError("'*' widths are not allowed in % formatting")
        if isinstance(values, Mapping):  # one value may fill every field
            filled = len(fields) * max(map(_rough_size, values.values()), default=0)
        else:
            filled = sum(map(_rough_size, values if isinstance(values, tuple) else (values,)))
        self.check_size(len(text) + sum(min(int(w), 10**13) for w in widths) + filled)

    def binop(self, symbol: str) -> Callable[[Any, Any], Any]:
        check, compute = self.checks[symbol], _BINARY[symbol]

        def guarded(a: Any, b: Any) -> Any:
            check(a, b)
            return compute(a, b)

        return guarded

    def inplacevar(self, op: str, target: Any, value: Any) -> Any:
        check = self.checks.get(op[:-1])
        if check is not None:
            check(target, value)
        return _INPLACE[op](target, value)

    def starred(self, value: Any) -> Any:
        if isinstance(value, Sized):
            self.check_size(len(value))
            return value
        return self.collect(value)

    # -- builtins that build

    def sized(self, kind: type) -> Callable[..., Any]:
        return lambda iterable=(), /: kind(self.collect(iterable))

    def make_dict(self, source: Any = (), /, **kwargs: Any) -> dict[Any, Any]:
        return dict(source if isinstance(source, Mapping) else self.collect(source), **kwargs)

    def make_sorted(self, iterable: Iterable[Any], /, **options: Any) -> list[Any]:
        items = self.collect(iterable)
        items.sort(**options)
        return items

    def make_range(self, *args: int) -> range:
        numbers = range(*args)
        try:
            self.check_size(len(numbers))
        except OverflowError:  # longer than sys.maxsize
            self.check_size(self.max_size + 1)
        return numbers

    def make_int(self, *args: Any, **kwargs: Any) -> int:
        number = int(*args, **kwargs)
        self.check_bits(number.bit_length())
        return number

    def power(self, base: Any, exponent: Any, mod: Any = None) -> Any:
        if mod is None:
            self.check_pow(base, exponent)
            return pow(base, exponent)
        bits = [n.bit_length() for n in (exponent, mod) if isinstance(n, int)]
        if max(bits, default=0) > 4096:  # costs bits(exponent) * bits(mod)**2
            raise BudgetExceeded("pow() with a modulus takes numbers of at most 4096 bits")
        return pow(base, exponent, mod)

    def is_instance(self, value: object, kinds: Any) -> bool:
        return isinstance(value, self.real_kinds(kinds))

    def real_kinds(self, kinds: Any) -> Any:
        if isinstance(kinds, tuple):
            return tuple(self.real_kinds(kind) for kind in kinds)
        return self.real_types.get(id(kinds), kinds)

    # -- attributes and iteration

    def getiter(self, value: Any) -> Any:
        self.check_time()
        return iter(value)

    def get_attribute(self, value: object, name: str) -> Any:
        owner = self.real_types.get(id(value), value)  # `list.extend` with the builder
        kind = owner if isinstance(owner, type) else type(owner)
        for base in kind.__mro__:
            if (static := self.statics.get((base, name))) is not None:
                return static
            if (guard := self.methods.get((base, name))) is not None:
                return _unbound(guard, base) if owner is kind else _bound(guard, owner)
        _refuse_attribute(kind, name, self.mutable)
        return safer_getattr_raise(owner, name)  # type: ignore[no-untyped-call]

    # -- methods that could build huge values; the target is a str, bytes, list or int

    def padder(self, method: str) -> Callable[..., Any]:
        def pad(target: Any, width: Any, *rest: Any) -> Any:
            self.check_size(width)
            return getattr(target, method)(width, *rest)

        return pad

    def expandtabs(self, target: Any, tabsize: int = 8) -> Any:
        tab = "\t" if isinstance(target, str) else b"\t"
        self.check_size(len(target) + target.count(tab) * max(tabsize, 0))
        return target.expandtabs(tabsize)

    def replace(self, target: Any, old: Any, new: Any, count: int = -1) -> Any:
        hits = target.count(old) if old else len(target) + 1
        hits = hits if count < 0 else min(hits, count)
        self.check_size(len(target) + hits * max(len(new) - len(old), 0))
        return target.replace(old, new, count)

    def join(self, target: Any, iterable: Iterable[Any]) -> Any:
        items = self.collect(iterable)
        parts = sum(len(item) for item in items if isinstance(item, str | bytes))
        self.check_size(parts + len(target) * max(len(items) - 1, 0))
        return target.join(items)

    def format_text(self, template: str, *args: Any, **kwargs: Any) -> str:
        # Field by field: neither '{0.__class__}' walking nor '{0}' * n on a long value
        # gets past the checks.
        pieces: list[str] = []
        size, automatic = 0, iter(range(len(args)))
        for literal, field, spec, conversion in string.Formatter().parse(template):
            pieces.append(literal)
            if field is not None:
                if field.isidentifier():
                    value = kwargs[field]
                elif field.isdigit() or not field:
                    value = args[int(field) if field else next(automatic, len(args))]
                else:
                    raise ValueError(f"format fields cannot look up attributes or items: {field}")
                pieces.append(self.format_field(value, spec or "", conversion))
                size += len(pieces[-1])
            size += len(literal)
            self.check_size(size)
            self.check_time()  # a template may hold half a million fields
        return "".join(pieces)

    def format_field(self, value: Any, spec: str, conversion: str | None) -> str:
        if problem := _spec_problem(spec, self.max_size):
            raise ValueError(problem)
        converted = _CONVERSIONS[conversion](value) if conversion else value
        text: str = format(converted, spec)
        return text

    def extend(self, target: list[Any], iterable: Iterable[Any]) -> None:
        items = iterable if isinstance(iterable, Sized) else self.collect(iterable)
        self.check_size(len(target) + len(items))
        target.extend(items)

    def to_bytes(self, target: int, length: int = 1, *args: Any, **kwargs: Any) -> bytes:
        self.check_size(length)
        return target.to_bytes(length, *args, **kwargs)

    def int_from_bytes(self, *args: Any, **kwargs: Any) -> int:
        number = int.from_bytes(*args, **kwargs)
        self.check_bits(number.bit_length())
        return number


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


def _check_data(label: str, value: object, run: _Run) -> None:
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


def _harvest(run_globals: dict[str, Any], before: Mapping[str, Any], run: _Run) -> dict[str, Any]:
    kept = {name: before[name] for name in _RESERVED if name in before}  # never in scope
    for name, value in run_globals.items():
        if name in _RESERVED or callable(value):  # the script's functions are its tools
            continue
        if value is not before.get(name) or not isinstance(value, (str, bytes, *_SCALARS)):
            _check_data(f"variable '{name}'", value, run)
        kept[name] = value
    return kept


def evaluate(source: str, namespace: Mapping[str, Any], budget: Budget) -> Any:
    """The value of expression `source` over `namespace`, which it cannot change."""
    run = _Run(budget, mutable=False)
    value = run.run(compile_expression(source), run.globals_for(namespace))
    _check_data("the expression's value", value, run)
    return value


def execute(source: str, namespace: dict[str, Any], budget: Budget) -> None:
    """Run script `source`; on success `namespace` holds the data it left."""
    run = _Run(budget, mutable=True)
    run_globals = run.globals_for(namespace)
    run.run(compile_script(source), run_globals)
    kept = _harvest(run_globals, namespace, run)
    namespace.clear()
    namespace.update(kept)
