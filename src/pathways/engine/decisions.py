"""Business rule tasks and the DMN decision tables they call.

A business rule task names its decision with the spiff extension `calledDecisionId`
(what Camunda calls `decisionRef`). The decision comes from a DMN file given with the
model or, failing that, from a deployed version; the built spec carries the table, so a
version evaluates the tables it was deployed with. The tables' expressions are checked
as SpiffWorkflow's DMN engine will build them, so a rule that cannot run in the sandbox
is a deploy-time problem, not a failing case.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from lxml import etree
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import (
    BusinessRuleTaskMixin as BusinessRuleTask,
)

from pathways.engine import syntax
from pathways.engine.dmn_xml import (
    DecisionFile,
    ParsedDecisions,
    called_decisions,
    parse_dmn,
    structure_problems,
    table_ids,
)
from pathways.engine.lint import compile_problems
from pathways.engine.sandbox import Budget
from pathways.errors import InvalidModel, Problem, Text

# The DMN file of the newest deployed version holding a decision id, for reuse.
DecisionLibrary = Callable[[str], DecisionFile | None]

# An output name becomes a key of the task data, dotted names nest.
_OUTPUT_NAME = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
# SpiffWorkflow's marker for "the input value" in an entry such as `4 < ? < 6`.
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def read_files(files: Sequence[DecisionFile], *, max_bytes: int) -> dict[str, ParsedDecisions]:
    """The given DMN files by decision id; unreadable or clashing files raise."""
    found: dict[str, ParsedDecisions] = {}
    problems: list[Problem] = []
    for file in files:
        parsed = parse_dmn(file, max_bytes=max_bytes)
        problems.extend(
            Problem("{file}: {problem}", p.element_id, file=file.name, problem=p.text)
            for p in structure_problems(parsed)
        )
        for decision_id in parsed.decision_ids:
            if decision_id in found:
                problems.append(
                    Problem(
                        "decision '{decision}' is defined in two files",
                        decision_id,
                        decision=decision_id,
                    )
                )
            found[decision_id] = parsed
    if problems:
        raise InvalidModel(problems)
    return found


def missing_references(root: etree._Element, known: Iterable[str]) -> list[Problem]:
    """Business rule tasks of a BPMN document that name no decision, or one not known."""
    available = set(known)
    problems: list[Problem] = []
    for task_id, name, decision_id in called_decisions(root):
        if decision_id is None:
            problems.append(
                Problem(
                    "business rule task '{name}' names no decision: set its calledDecisionId",
                    task_id,
                    name=name,
                )
            )
        elif decision_id not in available:
            problems.append(
                Problem(
                    "business rule task '{name}' calls decision '{decision}', which is"
                    " neither in a DMN file given with the model nor deployed",
                    task_id,
                    name=name,
                    decision=decision_id[:80],
                )
            )
    return problems


def resolve(
    wanted: Iterable[str | None],
    given: dict[str, ParsedDecisions],
    library: DecisionLibrary,
    *,
    max_bytes: int,
) -> dict[str, ParsedDecisions]:
    """Every wanted decision from the given files or, failing that, the deployed ones."""
    found: dict[str, ParsedDecisions] = {}
    for decision_id in sorted(d for d in set(wanted) if d is not None):
        if decision_id in given:
            found[decision_id] = given[decision_id]
            continue
        file = library(decision_id)
        if file is None:
            raise InvalidModel(
                [
                    Problem(
                        "decision '{decision}' is neither given nor deployed",
                        decision=decision_id[:80],
                    )
                ]
            )
        found[decision_id] = parse_dmn(file, max_bytes=max_bytes)
    return found


def decisions_used(specs: Iterable[Any], parsed: Iterable[ParsedDecisions]) -> list[str]:
    """Ids of the decisions the business rule tasks of these specs evaluate."""
    by_table = {table: decision for p in parsed for table, decision in table_ids(p).items()}
    used: set[str] = set()
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, BusinessRuleTask):
                table_id = task_spec.dmnEngine.decision_table.id
                if table_id in by_table:
                    used.add(by_table[table_id])
    return sorted(used)


def lint_tables(specs: Iterable[Any], budget: Budget) -> list[Problem]:
    """Every problem of the decision tables the business rule tasks of these specs call."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if not isinstance(task_spec, BusinessRuleTask):
                continue
            table = task_spec.dmnEngine.decision_table
            if table.id not in seen:
                seen.add(table.id)
                problems.extend(_table_problems(table, budget))
    return problems


def _table_problems(table: Any, budget: Budget) -> Iterator[Problem]:
    where = Text("decision table '{table}'", table=table.id)
    if not table.outputs:
        yield Problem("{where} has no output column", table.id, where=where)
    if not table.rules:
        yield Problem("{where} has no rules, so it never gives a result", table.id, where=where)
    broken: set[str] = set()  # inputs whose own problem says it all for their entries
    for column in table.inputs:
        found = list(_input_problems(where, column, budget))
        if found:
            broken.add(column.id)
        yield from found
    for column in table.outputs:
        if not _OUTPUT_NAME.match(column.name or ""):
            label = column.label or column.id
            yield Problem(
                "{where}: output '{label}' needs a name that is a variable name, such as"
                " eligible or plan.kind",
                column.id,
                where=where,
                label=label,
            )
    for rule in table.rules:
        yield from _rule_problems(where, rule, broken, budget)


def _input_problems(where: Text, column: Any, budget: Budget) -> Iterator[Problem]:
    if not (column.expression or "").strip():
        label = column.label or column.id
        yield Problem(
            "{where}: input '{label}' has no expression", column.id, where=where, label=label
        )
    else:
        what = Text("{where}: input expression", where=where)
        yield from compile_problems(column.id, what, column.expression, "eval", budget)


def _rule_problems(where: Text, rule: Any, broken: set[str], budget: Budget) -> Iterator[Problem]:
    what = Text(
        "{where}, rule {number} ({rule})", where=where, number=rule.row_number, rule=rule.id
    )
    for entry in rule.inputEntries:
        if entry.input.id in broken:
            continue
        for test in entry.lhs:
            if test is not None and test.strip():
                yield from _entry_problems(what, rule.id, entry.input.expression, test, budget)
    for entry in rule.outputEntries:
        if entry.text and entry.text.strip():
            output = Text("{what}: output entry", what=what)
            yield from compile_problems(rule.id, output, entry.text, "eval", budget)


def _entry_problems(
    what: Text, rule_id: str, source: str, test: str, budget: Budget
) -> Iterator[Problem]:
    combined = _combined_test(source, test)
    if combined is None:
        yield Problem(
            "{what}: input entry '{test}' is not an expression", rule_id, what=what, test=test[:60]
        )
    elif combined == source + test and test[:1].isidentifier():
        # The engine glues the two together: `in [1]` becomes `agein [1]`.
        yield Problem(
            "{what}: input entry '{test}' would run as '{combined}': write it as '? {test}'",
            rule_id,
            what=what,
            test=test[:60],
            combined=combined[:60],
        )
    else:
        entry = Text("{what}: input entry", what=what)
        yield from compile_problems(rule_id, entry, combined, "eval", budget)


def _combined_test(source: str, test: str) -> str | None:
    """The expression SpiffWorkflow's DMN engine evaluates for an input entry."""
    if _QUESTION_MARK.search(test):
        return _QUESTION_MARK.sub(f"({source})", test)
    for candidate, combined in ((test, f"({source}) == ({test})"), (f"v {test}", source + test)):
        try:
            syntax.parse(candidate)
        except SyntaxError:
            continue
        return combined
    return None
