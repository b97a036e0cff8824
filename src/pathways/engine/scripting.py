"""SpiffWorkflow's script engine, running everything through the sandbox.

Contract: `script_engine(budget)` gives the engine to attach to every workflow
(again after every deserialize). Script tasks, pre/post scripts, gateway conditions,
timer and other expressions then run in `pathways.engine.sandbox` with that budget,
in a worker process of `sandbox_pool`,
with SpiffWorkflow's semantics: a script updates the task data in place (only data;
on failure the task data is left as it was), an expression reads the task data over
the external context (data objects). A failure comes out as SpiffWorkflow's
`WorkflowTaskException` whose `__cause__` and `.exception` are the sandbox's
`ScriptError`, with the script line in `line_number` and in the message. A timer
value computed at run time is checked as lint checks constant ones (range, cycles).
Given `closed_days`, the working-day helpers of a script or expression also skip the
days closed for the organisation kind of the lane it runs in (the lane of the script
task, the timer event, or the step a boundary timer sits on; a called process's steps
take the calling step's lane): `closed_days(kind)`, asked only by sources that name a
working-day helper.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException

from pathways.engine import sandbox_pool
from pathways.engine.lint_limits import timer_value_problem
from pathways.engine.projection import lane_of
from pathways.engine.sandbox import Budget, ScriptError, ScriptFailed
from pathways.organisation_kinds import kind_for_lane

ClosedDays = Callable[[str | None], Collection[date]]
"""The days closed for the case team's organisation of a kind (its code; None: no lane)."""


class SandboxedEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """TaskDataEnvironment with `eval`/`exec` replaced by the sandbox."""

    def __init__(self, budget: Budget) -> None:
        super().__init__({})  # no extra globals: the sandbox brings its own helpers
        self.budget = budget

    def evaluate(
        self,
        expression: str,
        context: Mapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
        closed: Collection[date] = (),
    ) -> Any:
        # Task data shadows the external context, as in SpiffWorkflow.
        return sandbox_pool.evaluate(
            expression, {**(external_context or {}), **context}, self.budget, closed
        )

    def execute(
        self,
        script: str,
        context: dict[str, Any],
        external_context: Mapping[str, Any] | None = None,
        closed: Collection[date] = (),
    ) -> bool:
        external = external_context or {}
        self.check_for_overwrite(context, external)
        namespace = {**external, **context}
        sandbox_pool.execute(script, namespace, self.budget, closed)
        for name in external:  # the external context is lent, not task data
            namespace.pop(name, None)
        context.clear()
        context.update(namespace)
        return True


class SandboxedScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """PythonScriptEngine whose errors carry the sandbox's ScriptError and its line."""

    def __init__(self, budget: Budget, closed_days: ClosedDays | None = None) -> None:
        super().__init__(environment=SandboxedEnvironment(budget))
        self.budget = budget
        self.closed_days = closed_days

    def evaluate(
        self, task: Any, expression: str, external_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            closed = self._closed(task, expression)
            value = self.environment.evaluate(expression, task.data, external_context, closed)
            _check_timer_value(task, expression, value)
            return value
        except SpiffWorkflowException as error:
            error.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as error:
            detail = error.message if isinstance(error, ScriptError) else str(error)
            message = f"Error evaluating expression '{expression}': {detail}"
            raise _task_error(task, message, error, expression) from error

    def execute(
        self, task: Any, script: str, external_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            closed = self._closed(task, script)
            return self.environment.execute(script, task.data, external_context or {}, closed)
        except Exception as error:
            raise self.create_task_exec_exception(task, script, error) from error

    def _closed(self, task: Any, source: str) -> Collection[date]:
        if self.closed_days is None or "working_days" not in source:  # names no helper
            return ()
        kind = kind_for_lane(_lane(task))
        return self.closed_days(kind.value if kind else None)

    def create_task_exec_exception(
        self, task: Any, script: str, err: Exception
    ) -> WorkflowTaskException:
        # The base class looks for the line in frames named '<string>'; ours know it.
        if not isinstance(err, ScriptError):
            return super().create_task_exec_exception(task, script, err)
        return _task_error(task, err.message, err, script)


def _lane(task: Any) -> str | None:
    """The lane of the task, or else of the nearest task above it that has one (a
    boundary timer sits on its step)."""
    seen: Any = task
    for _ in range(4):
        if seen is None:
            return None
        lane = lane_of(seen)
        if lane:
            return lane
        seen = seen.parent
    return None


def _check_timer_value(task: Any, expression: str, value: Any) -> None:
    """A timer value computed from case data gets the checks lint gives constant ones."""
    definition = getattr(task.task_spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition) or definition.expression != expression:
        return
    problem = timer_value_problem(definition, value)
    if problem is not None:
        raise ScriptFailed(str(problem))


def _task_error(task: Any, message: str, error: Exception, source: str) -> WorkflowTaskException:
    line = error.line if isinstance(error, ScriptError) else None
    lines = source.splitlines()
    text = lines[line - 1] if line and line <= len(lines) else ""
    wrapped = WorkflowTaskException(
        message, task=task, exception=error, line_number=line or 0, error_line=text
    )
    wrapped.exception = error  # SpiffWorkflow keeps only the type's name
    wrapped.__cause__ = error
    return wrapped


def script_engine(budget: Budget, closed_days: ClosedDays | None = None) -> SandboxedScriptEngine:
    """A script engine that runs everything in the sandbox within `budget`; working days
    skip `closed_days` of the lane's organisation kind."""
    return SandboxedScriptEngine(budget, closed_days)
