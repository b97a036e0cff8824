"""Run time: the guards, builders and checks that sandboxed code runs with.

Contract:
- A `Run` is one run of one script or expression under a `Budget`: its deadline, the
  globals (`globals_for`) holding the names `sandbox_policy` compiles calls to, and
  builtins (`STATIC_BUILTINS` plus size-checked builders, `pow`, `sorted`,
  `isinstance`).
- Operators, builders and text methods estimate the size of what they would build
  first and raise `BudgetExceeded` over `max_size` items or characters or
  `MAX_INT_BITS` bits; `check_time` raises it past the deadline.
- Attribute access goes through `get_attribute`: no `_` names, no `mro`, only listed
  str and bytes methods, no `date.now`/`today`, and with `mutable=False` no methods
  that change lists, dicts or sets.
- `RESERVED` names the guards in a run's globals: never data, never kept.
- Running the code (the line tracer) and checking its results are `sandbox`'s; this
  module does not import it.
"""

from __future__ import annotations

import codecs
import operator
import re
import string
import time
from collections.abc import Callable, Iterable, Mapping, Sized
from datetime import date, datetime
from itertools import islice
from typing import Any

from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)

from pathways.engine.sandbox_errors import Budget, BudgetExceeded
from pathways.engine.sandbox_helpers import STATIC_BUILTINS
from pathways.engine.sandbox_policy import GUARD_NAMES, MAX_INT_BITS, MAX_SPEC_LENGTH, spec_problem

_SEQUENCES = (str, bytes, list, tuple)
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
RESERVED = {"__builtins__", "_getattr_", "_getitem_", "_getiter_", "_iter_unpack_sequence_"}
RESERVED |= {"_unpack_sequence_", "_write_", "_inplacevar_", "_apply_", "_check_time_"}
RESERVED |= {"_starred_", "_no_output_", *GUARD_NAMES.values()}


def _no_output(*args: Any, **kwargs: Any) -> None:
    """What `print` reads as in a script: its arguments are already computed, and dropped."""


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def _strptime(text: str, form: str) -> datetime:
    if len(text) > MAX_SPEC_LENGTH or len(form) > MAX_SPEC_LENGTH:  # _strptime is Python
        raise ValueError(f"strptime() takes at most {MAX_SPEC_LENGTH} characters")
    return datetime.strptime(text, form)  # noqa: DTZ007 - same as the script asked for


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


class Run:
    """One run of one script or expression: its deadline, limits, guards and builtins."""

    def __init__(self, budget: Budget, *, mutable: bool) -> None:
        self.seconds, self.max_size, self.mutable = budget.seconds, budget.max_size, mutable
        # CPU time of this thread: waiting for a core on a busy machine is not the
        # script's doing, and the tracer runs on this thread only.
        self.deadline = time.thread_time() + budget.seconds
        self.checks: dict[str, Callable[[Any, Any], None]] = {
            "+": self.check_add, "*": self.check_mul, "**": self.check_pow,
            "<<": self.check_lshift, "%": self.check_mod,
        }  # fmt: skip
        kinds: list[type] = [list, tuple, set, frozenset, dict, range, int]
        builders = [self.sized(kind) for kind in kinds[:4]]
        builders += [self.make_dict, self.make_range, self.make_int]
        self.real_types = {id(built): kind for built, kind in zip(builders, kinds, strict=True)}
        self.builtins = {**STATIC_BUILTINS, "isinstance": self.is_instance, "pow": self.power}
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
            "_starred_": self.starred, "_no_output_": _no_output,
        }  # fmt: skip
        guards |= {GUARD_NAMES[symbol]: self.binop(symbol) for symbol in self.checks}
        # Data may shadow a helper (its name is the model author's choice), never a guard.
        return {**namespace, "__builtins__": self.builtins, **guards}

    # -- budgets

    def check_time(self) -> None:
        if time.thread_time() > self.deadline:
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
        if problem := spec_problem(spec, self.max_size):
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
