"""Checks of a parsed model beyond what the BPMN schema says, each tied to an element.

A model passes when every user task sits in a lane naming an organisation kind (or its
process names a default organisation, see `lanes`), the
forms it names exist and are valid, its due properties parse, every script and
condition compiles in the sandbox, and every timer expression evaluates (or, when it
reads case data, at least compiles).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import SequentialMultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity

from pathways.engine import sandbox, sandbox_pool, syntax
from pathways.engine.lanes import lane_problems
from pathways.engine.lint_limits import (
    constant_parts_problem,
    duration_problem,
    timer_value_problem,
)
from pathways.engine.sandbox import Budget, ScriptFailed
from pathways.engine.structure import SERVICE_TASKS
from pathways.errors import N_, Problem, Text
from pathways.organisation_kinds import NEEDS_CONSENT, kind_for_lane

FormKind = Literal["schema", "ui"]
FormCheck = Callable[[str, FormKind], str | Text | None]


def lint(
    spec: Any, subprocess_specs: dict[str, Any], *, check_form: FormCheck, budget: Budget
) -> list[Problem]:
    """Every problem of a process and the processes it calls, in document order."""
    problems = lane_problems(spec, subprocess_specs)
    for index, process in enumerate([spec, *subprocess_specs.values()]):
        called = index > 0
        for task_spec in process.task_specs.values():
            if task_spec.bpmn_id is None:
                continue  # SpiffWorkflow's own helper specs (joins, splits)
            problems.extend(_check_task(task_spec, called, check_form, budget))
    return problems


def _cannot_run(element: str, task_spec: Any) -> Iterator[Problem]:
    """Steps the engine would not run to their end."""
    if isinstance(task_spec, ServiceTask):
        yield Problem(SERVICE_TASKS, element)
    if _sequential_without_output(task_spec):
        yield Problem(
            "a sequential multi-instance step with an input item needs an output collection"
            " and an output item: without them its second instance cannot start",
            element,
        )
    if _timers_behind(task_spec) > 1:
        # The gateway's task keeps one due time, the first timer's, for all its timers.
        yield Problem(
            "an event-based gateway may lead to one timer event only: the engine would"
            " give every timer the due time of the first",
            element,
        )


def _timers_behind(task_spec: Any) -> int:
    if not isinstance(task_spec, EventBasedGateway):
        return 0
    inner = task_spec.event_definition.event_definitions
    return sum(isinstance(d, TimerEventDefinition) for d in inner)


def _sequential_without_output(task_spec: Any) -> bool:
    # SpiffWorkflow 3.2 merges such an instance's data, input item included, into the
    # step, then refuses to create the next instance because the input item exists.
    return (
        isinstance(task_spec, SequentialMultiInstanceTask)
        and task_spec.input_item is not None
        and (task_spec.data_output is None or task_spec.output_item is None)
    )


def _check_task(
    task_spec: Any, called: bool, check_form: FormCheck, budget: Budget
) -> Iterator[Problem]:
    element = task_spec.bpmn_id
    if getattr(task_spec, "manual", False):
        yield from _check_properties(element, task_spec, check_form)
    yield from _cannot_run(element, task_spec)
    if isinstance(task_spec, ScriptTask):
        yield from compile_problems(element, Text("script"), task_spec.script, "exec", budget)
    for attribute, name in (("prescript", N_("pre-script")), ("postscript", N_("post-script"))):
        source = getattr(task_spec, attribute, None)
        yield from compile_problems(element, Text(name), source, "exec", budget)
    for condition, target in getattr(task_spec, "cond_task_specs", []):
        if condition is not None:
            source = condition.args[0]
            condition_to = Text("condition to {target}", target=str(target))
            yield from compile_problems(element, condition_to, source, "eval", budget)
    if isinstance(task_spec, CatchingEvent) and isinstance(
        task_spec.event_definition, TimerEventDefinition
    ):
        yield from _check_timer(element, task_spec.event_definition, budget)
        if isinstance(task_spec, StartEvent) and not called:
            yield from _check_timer_start(element, task_spec.event_definition)


def _check_properties(element: str, task_spec: Any, check_form: FormCheck) -> Iterator[Problem]:
    properties: dict[str, str] = (task_spec.extensions or {}).get("properties", {})
    for name, kind in (("formJsonSchemaFilename", "schema"), ("formUiSchemaFilename", "ui")):
        filename = properties.get(name)
        if filename is not None:
            unusable = check_form(filename, kind)  # type: ignore[arg-type]
            if unusable is not None:
                yield Problem(unusable, element)
    due_in = properties.get("dueIn")
    if due_in is not None:
        try:
            reason = duration_problem(due_in)
        except ValueError:
            reason = Text(
                "dueIn '{value}' is not an ISO 8601 duration such as P14D", value=due_in[:40]
            )
        if reason is not None:
            yield Problem(reason, element)
    consent_kind = properties.get("requiresConsent")
    if consent_kind is not None and consent_kind not in NEEDS_CONSENT:
        yield Problem(
            "requiresConsent '{value}' is not a kind that needs the client's"
            " consent (use one of: {kinds})",
            element,
            value=consent_kind[:40],
            kinds=", ".join(sorted(NEEDS_CONSENT)),
        )
    reopenable = properties.get("reopenable")
    if reopenable is not None and reopenable not in ("true", "false"):
        yield Problem(
            "reopenable '{value}' is neither true nor false", element, value=reopenable[:40]
        )
    working_days = properties.get("dueInWorkingDays")
    if working_days is not None and not (working_days.isdigit() and int(working_days) <= 3650):
        yield Problem(
            "dueInWorkingDays '{value}' is not a whole number of days",
            element,
            value=working_days[:40],
        )


def compile_problems(
    element: str, what: Text, source: str | None, mode: Literal["exec", "eval"], budget: Budget
) -> Iterator[Problem]:
    """What keeps `source` from running in the sandbox; `what` names it ("script")."""
    if not source:
        return
    reason = sandbox.check(source, mode)
    if reason is not None:
        yield Problem(
            "{what} does not compile in the sandbox: {reason}", element, what=what, reason=reason
        )
        return
    too_costly = constant_parts_problem(source, mode, budget)
    if too_costly is not None:
        yield Problem("{what}: {reason}", element, what=what, reason=too_costly)


def _check_timer_start(element: str, definition: Any) -> Iterator[Problem]:
    # A timer start event delays a case's first step: the case is started for a client
    # (who brings the team) and its start event waits. A cycle would mean "start cases on
    # a schedule", which cannot supply a client, so it is refused rather than ignored.
    if isinstance(definition, CycleTimerEventDefinition):
        yield Problem(
            "a cycle timer cannot start cases: a case needs a client and a team; start cases"
            " on request, and use a duration or date timer here to delay the first step",
            element,
        )


def _check_timer(element: str, definition: Any, budget: Budget) -> Iterator[Problem]:
    expression = definition.expression
    reason = sandbox.check(expression, "eval")
    if reason is not None:
        yield Problem(
            "timer expression does not compile in the sandbox: {reason}", element, reason=reason
        )
        return
    try:
        value = _string_literal(expression)
        if value is None:
            value = sandbox_pool.evaluate(expression, {}, budget)
    except ScriptFailed as error:
        if _LOOKS_LIKE_ISO.match(expression.strip()):
            yield Problem(
                'timer expression {value} is Python: write it as a string, "{value}"',
                element,
                value=expression.strip()[:40],
            )
        elif not _reads_case_data(error):
            yield Problem("timer expression fails: {reason}", element, reason=error.message)
        elif too_costly := constant_parts_problem(expression, "eval", budget):
            yield Problem("timer expression: {reason}", element, reason=too_costly)
        return  # it reads case data: evaluated when the case reaches it
    wrong_value = timer_value_problem(definition, value)
    if wrong_value is not None:
        yield Problem(wrong_value, element)


def _string_literal(expression: str) -> str | None:
    """The value of a timer expression that is a plain string ("P14D"): no worker needed."""
    try:
        tree = syntax.parse(expression.strip(), mode="eval")
        assert isinstance(tree, ast.Expression)
        body = tree.body
    except SyntaxError:
        return None
    return body.value if isinstance(body, ast.Constant) and isinstance(body.value, str) else None


# An unquoted ISO value (P14D, R3/PT1H) reads as a Python name and fails only at run time.
_LOOKS_LIKE_ISO = re.compile(r"^(R\d*/)?P[0-9TWYMDHS.]+$")


def _reads_case_data(error: ScriptFailed) -> bool:
    return isinstance(error.__cause__, NameError) or error.message.startswith("NameError")


def _name(task_spec: Any) -> str:
    return str(task_spec.bpmn_name or task_spec.bpmn_id)


def forms_named(specs: Iterable[Any]) -> list[str]:
    """Form files the user tasks of these specs name, schema and UI alike."""
    found: set[str] = set()
    for process in specs:
        for task_spec in process.task_specs.values():
            properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            for key in ("formJsonSchemaFilename", "formUiSchemaFilename"):
                if properties.get(key):
                    found.add(properties[key])
    return sorted(found)


def lane_kinds(specs: Iterable[Any]) -> list[str]:
    """Organisation kinds named by the lanes that hold human work in these specs."""
    kinds: set[str] = set()
    for process in specs:
        for task_spec in process.task_specs.values():
            if getattr(task_spec, "manual", False) or isinstance(task_spec, CallActivity):
                kind = kind_for_lane(task_spec.lane)
                if kind is not None:
                    kinds.add(kind.value)
    return sorted(kinds)
