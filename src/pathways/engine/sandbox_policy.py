"""Compile time: the RestrictedPython policy that sandboxed source compiles under.

Contract:
- `Policy` is RestrictedPython's `RestrictingNodeTransformer` plus: `+ * ** << %`
  become calls to the guards named in `GUARD_NAMES` and `*x` in a display or call
  becomes `_starred_(x)`; every loop body, function, lambda, `except` and `finally`
  starts with `_check_time_()`; `print` reads as `_no_output_`, which the run time
  makes discard its arguments; import, class, yield and `printed` are refused,
  and so are integer literals over `MAX_INT_BITS` bits and f-string format specs that
  are not constant or are wider than `MAX_FORMAT_WIDTH` (see `spec_problem`).
- The run time must supply every name the rewritten code calls; `sandbox_guards` does.
- Code compiles under `FILENAME`; the run time tells the script's frames by it.
- Pure: imports no other sandbox module and runs nothing.
"""

from __future__ import annotations

import ast
import re
from typing import cast

from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

FILENAME = "<pathway script>"
MAX_INT_BITS = 100_000  # keeps every big-int operation in the millisecond range
MAX_FORMAT_WIDTH = 100_000  # widths in f-string format specs (compile time)
MAX_SPEC_LENGTH = 1000  # format specs and strptime formats: strftime/_strptime cost

_OPERATORS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}
GUARD_NAMES = {"+": "_add_", "*": "_mul_", "**": "_pow_", "<<": "_lshift_", "%": "_mod_"}


def _call(name: str, args: list[ast.expr], where: ast.expr | ast.stmt) -> ast.Call:
    node = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    copy_locations(node, where)
    copy_locations(node.func, where)
    return node


def _check_first(block: list[ast.stmt]) -> None:
    if block:
        block.insert(0, ast.Expr(_call("_check_time_", [], block[0])))
        copy_locations(block[0], block[1])


def spec_problem(spec: str, width_limit: int) -> str | None:
    if "{" in spec:
        return "nested format fields are not allowed"
    if len(spec) > MAX_SPEC_LENGTH:
        return f"format specs are limited to {MAX_SPEC_LENGTH} characters"
    if any(len(d) > 12 or int(d) > width_limit for d in re.findall(r"\d+", spec)):
        return f"format widths are limited to {width_limit}"
    return None


class Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus size guards, deadline checks and more refusals."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = _OPERATORS.get(type(node.op))
        return node if symbol is None else _call(GUARD_NAMES[symbol], [node.left, node.right], node)

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
        elif problem := spec_problem("".join(texts), MAX_FORMAT_WIDTH):
            self.error(node, problem)
        return self.node_contents_visit(node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, int) and node.value.bit_length() > MAX_INT_BITS:
            self.error(node, f"number literals are limited to {MAX_INT_BITS} bits")
        return self.node_contents_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        # Models from other tools print to trace; the output would carry client data
        # into logs, so a call reads fine and prints nothing.
        if node.id == "print" and isinstance(node.ctx, ast.Load):
            silent = ast.Name("_no_output_", ast.Load())
            copy_locations(silent, node)
            return silent
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
