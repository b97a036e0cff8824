"""The script sandbox: what scripts and expressions may do, what they may not, and how
SpiffWorkflow runs them through it."""

from __future__ import annotations

import ast
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from pathways import clock
from pathways.engine import sandbox
from pathways.engine.sandbox import (
    Budget,
    BudgetExceeded,
    ScriptError,
    ScriptFailed,
    ScriptRejected,
    check,
    compile_script,
    evaluate,
    execute,
)
from pathways.engine.sandbox_helpers import closed_on
from pathways.engine.scripting import SandboxedEnvironment, script_engine

BPMN = Path(__file__).parents[1] / "bpmn"
FAST = Budget(seconds=0.3)
SMALL = Budget(seconds=1.0, max_size=10_000)


def run(source: str, data: dict[str, Any] | None = None, budget: Budget = SMALL) -> dict[str, Any]:
    namespace = dict(data or {})
    execute(source, namespace, budget)
    return namespace


def failure(source: str, budget: Budget = SMALL) -> ScriptError:
    with pytest.raises(ScriptError) as caught:
        execute(source, {}, budget)
    return caught.value


# ---------------------------------------------------------------- ordinary scripts


def test_a_script_assigns_plain_data_to_the_namespace() -> None:
    namespace = run(
        "total = sum(amounts)\n"
        "names = sorted({name.upper() for name in people})\n"
        "summary = '%s: %d' % (names[0], total) + f' ({len(names)} people)'\n"
        "shares = {name: round(total / len(names), 2) for name in names}\n"
        "is_list = isinstance(names, list)\n",
        {"amounts": [10, 20, 30], "people": ["b", "a"]},
    )
    assert namespace == {
        "amounts": [10, 20, 30],
        "people": ["b", "a"],
        "total": 60,
        "names": ["A", "B"],
        "summary": "A: 60 (2 people)",
        "shares": {"A": 30.0, "B": 30.0},
        "is_list": True,
    }


def test_a_script_leaves_no_guards_builtins_helpers_or_functions_behind() -> None:
    namespace = run("def double(n):\n    return n * 2\nsquare = lambda n: n * n\nx = double(3)")
    assert namespace == {"x": 6}


def test_a_script_can_delete_variables() -> None:
    assert run("del temporary\nkept = 1", {"temporary": 1}) == {"kept": 1}


def test_a_failing_script_leaves_the_namespace_unchanged() -> None:
    namespace = {"x": 1}
    with pytest.raises(ScriptFailed):
        execute("x = 2\ny = missing", namespace, SMALL)
    assert namespace == {"x": 1}


def test_data_named_like_a_guard_is_kept_but_never_reaches_the_script() -> None:
    namespace = run("y = 1", {"_getattr_": "data", "__builtins__": "data"})
    assert namespace == {"_getattr_": "data", "__builtins__": "data", "y": 1}


def test_an_expression_reads_the_namespace() -> None:
    assert evaluate("amount > 100 and kind == 'loan'", {"amount": 120, "kind": "loan"}, SMALL)


def test_an_expression_cannot_change_data() -> None:
    items = [1]
    with pytest.raises(ScriptFailed, match="cannot change data"):
        evaluate("items.append(2)", {"items": items}, SMALL)
    assert items == [1]


def test_text_formatting_works_within_limits() -> None:
    value = evaluate(
        "'{} is {:>4}'.format('x', 3) + f'|{day:%d.%m.%Y}|' + day.strftime('%Y')",
        {"day": date(2026, 3, 6)},
        SMALL,
    )
    assert value == "x is    3|06.03.2026|2026"


def test_print_computes_its_arguments_and_writes_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    assert run("print('client', name, sep='-')\nx = 1", {"name": "Secret"})["x"] == 1
    assert failure("print(1 / 0)").message.startswith("ZeroDivisionError")
    assert capfd.readouterr() == ("", "")


def test_compiled_code_is_cached_per_source() -> None:
    assert compile_script("x = 1") is compile_script("x = 1")


# ---------------------------------------------------------------- refused when compiled


def test_a_working_day_deadline_is_the_end_of_its_last_working_day() -> None:
    # Friday 19.6.2026 is Midsummer Eve: one working day after Thursday is Monday.
    deadline = "working_days_deadline(1, '2026-06-18T12:30:00+03:00')"
    assert evaluate(deadline, {}, SMALL) == "2026-06-22T23:59:59.999999+03:00"
    # A bare date is that day in Helsinki; 0 days on a day off runs on to the next working day.
    on_sunday = "working_days_deadline(0, '2026-06-21')"
    assert evaluate(on_sunday, {}, SMALL) == "2026-06-22T23:59:59.999999+03:00"
    assert failure("working_days_deadline(-1)").message.startswith("ValueError: working days")


def test_the_working_day_helpers_skip_the_days_closed_for_the_run() -> None:
    with closed_on([date(2026, 6, 22)]):
        assert evaluate("add_working_days('2026-06-18', 1)", {}, SMALL) == date(2026, 6, 23)
        later = "working_days_deadline(1, '2026-06-18')"
        assert evaluate(later, {}, SMALL) == "2026-06-23T23:59:59.999999+03:00"
    assert evaluate("add_working_days('2026-06-18', 1)", {}, SMALL) == date(2026, 6, 22)


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("().__class__.__base__.__subclasses__()", 1),
        ("__import__('os')", 1),
        ("import os", 1),
        ("from os import path", 1),
        ("(lambda: 0).__globals__", 1),
        ("(x for x in [1]).gi_frame", 1),
        ('f"{1:>10000000000}"', 1),
        ('f"{1:>{width}}"', 1),
        ("x = printed", 1),
        ("print = 1", 1),
        ("class A: pass", 1),
        ("def numbers():\n    yield 1", 2),
        ("x = 1\ny = (", 2),
    ],
)
def test_forbidden_constructs_are_rejected_when_compiled(source: str, line: int) -> None:
    with pytest.raises(ScriptRejected) as rejected:
        compile_script(source)
    assert rejected.value.line == line
    assert check(source, "exec") == " ".join(rejected.value.message.split())


def test_a_script_cannot_reach_object_subclasses() -> None:
    with pytest.raises(ScriptRejected, match="__class__"):
        evaluate("().__class__.__base__.__subclasses__()", {}, SMALL)


def test_check_accepts_what_compiles() -> None:
    assert check("x = [i for i in range(3)]", "exec") is None
    assert check("x == 3", "eval") is None
    assert check("x = 3", "eval") is not None  # a statement is not an expression


# ---------------------------------------------------------------- refused when run


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("open('/etc/passwd')", "NameError: name 'open' is not defined (line 1)"),
        ("getattr(1, 'real')", "NameError: name 'getattr' is not defined (line 1)"),
        ("type(1)", "NameError: name 'type' is not defined (line 1)"),
        ("globals()", "NameError: name 'globals' is not defined (line 1)"),
        ("'{0.__class__}'.format(1)", "ValueError: format fields cannot look up"),
        ("str.mro()", "AttributeError: str.mro is not available"),
        ("'a'.translate({97: 'b'})", "AttributeError: str.translate is not available"),
        ("'a'.encode('punycode')", "LookupError: encoding 'punycode' is not available"),
        ("datetime.now()", "AttributeError: use now() or today()"),
        ("str.join([1], 'x')", "TypeError: str method called on list"),
        ("raise SystemExit", "NameError: name 'SystemExit' is not defined"),
    ],
)
def test_unsafe_builtins_and_attributes_are_missing_at_run_time(source: str, error: str) -> None:
    assert failure(source).message.startswith(error)


def test_a_runtime_error_names_its_type_and_script_line() -> None:
    error = failure("x = 1\ny = missing")
    assert (type(error), error.message, error.line) == (
        ScriptFailed,
        "NameError: name 'missing' is not defined (line 2)",
        2,
    )
    assert isinstance(error.__cause__, NameError)


def test_deep_recursion_is_a_script_failure() -> None:
    assert failure("def f():\n    return f()\nf()").message.startswith("RecursionError")


# ---------------------------------------------------------------- the time budget


@pytest.mark.parametrize(
    "source",
    [
        "while True: pass",
        "while True: x = 1",
        "try:\n    while True: pass\nexcept Exception:\n    while True: pass",
        "while True:\n    try:\n        while True: pass\n    except:\n        pass",
        "try:\n    while True: pass\nfinally:\n    while True: pass",
        "f = lambda n: f(n - 1) + f(n - 1) if n else 1\nf(80)",
        "x = [0 for i in range(10**6) for j in range(10**6)]",
    ],
)
def test_a_script_is_stopped_when_its_time_runs_out(source: str) -> None:
    started = time.monotonic()
    error = failure(source, FAST)
    assert isinstance(error, BudgetExceeded)
    assert error.message.startswith("script ran longer than 0.3 s (line ")
    assert time.monotonic() - started < FAST.seconds + 1.0  # a noisy machine


def test_the_thread_is_usable_after_a_stopped_script_and_its_tracer_restored() -> None:
    def earlier_tracer(frame: Any, event: str, arg: Any) -> None:
        return None

    sys.settrace(earlier_tracer)
    try:
        failure("while True: pass", FAST)
        assert sys.gettrace() is earlier_tracer
    finally:
        sys.settrace(None)
    assert run("x = sum(range(10))") == {"x": 45}


def test_scripts_in_other_threads_keep_their_own_budgets() -> None:
    stopped: list[str] = []

    def spin() -> None:
        stopped.append(failure("while True: pass", FAST).message)

    spinner = threading.Thread(target=spin)
    spinner.start()
    assert run("x = 1 + 2") == {"x": 3}  # not stopped by the other thread's budget
    spinner.join()
    assert stopped == ["script ran longer than 0.3 s (line 1)"]


# ---------------------------------------------------------------- the size budget


@pytest.mark.parametrize(
    "source",
    [
        "'a' * 10**10",
        "10**10 * 'a'",
        "[0] * 10**9",
        "2 ** 10**8",
        "pow(2, 10**8)",
        "1 << 10**9",
        "'x'.ljust(10**10)",
        "str.rjust('x', 10**10)",
        "list(range(10**10))",
        "sorted(range(10**10))",
        "x = 'a'\nfor i in range(100): x += x",
        "x = [1]\nfor i in range(64): x = [*x, *x]",
        "x = [1]\nfor i in range(64): x.extend(x)",
        "x = 'ab' * 3000\ny = x.replace('', x)",
        "x = 'ab' * 3000\ny = x.join([x, x, x])",
        "'%1000000000s' % 'a'",
        "('{0}' * 10).format('a' * 5000)",
        "(1).to_bytes(10**10, 'big')",
        "int('f' * 30000, 16)",
    ],
)
def test_a_script_cannot_build_values_beyond_its_size_budget(source: str) -> None:
    error = failure(source)
    assert isinstance(error, BudgetExceeded)
    assert error.message.startswith(
        ("script built a value larger than 10000 items", "script built a number larger than")
    )


def test_round_refuses_digits_that_would_build_a_huge_power_of_ten() -> None:
    assert failure("round(1, -10**7)").message.startswith("ValueError: round() digits")


def test_results_must_be_plain_data() -> None:
    with pytest.raises(ScriptFailed, match="variable 'view' holds a dict_keys"):
        run("view = {'a': 1}.keys()")
    with pytest.raises(ScriptFailed, match="holds a function"):
        run("handlers = {'a': lambda: 1}")
    with pytest.raises(ScriptFailed, match="the expression's value holds a function"):
        evaluate("lambda: 1", {}, SMALL)


def test_results_may_not_be_too_large_or_too_deep_once_written_out() -> None:
    with pytest.raises(BudgetExceeded, match="variable 'x' is larger than 10000 items"):
        run("x = [1]\nfor i in range(30): x = [x, x]")  # tiny in memory, huge as JSON
    with pytest.raises(ScriptFailed, match="nested deeper than"):
        run("x = []\nx.append(x)")


# ---------------------------------------------------------------- helpers


@pytest.fixture
def thursday_before_midsummer() -> Any:
    with clock.frozen(datetime(2026, 6, 18, 9, 30, tzinfo=UTC)) as frozen:  # 12:30 in Helsinki
        yield frozen


@pytest.mark.usefixtures("thursday_before_midsummer")
def test_date_helpers_follow_the_clock_and_the_finnish_calendar() -> None:
    assert evaluate("now()", {}, SMALL) == datetime(2026, 6, 18, 9, 30, tzinfo=UTC)
    assert evaluate("today()", {}, SMALL) == date(2026, 6, 18)
    assert evaluate("working_days_later(1)", {}, SMALL) == "2026-06-22T12:30:00+03:00"
    assert evaluate("add_working_days('2026-06-18', 1)", {}, SMALL) == date(2026, 6, 22)
    assert evaluate("add_working_days(date(2026, 3, 6), 1)", {}, SMALL) == date(2026, 3, 9)
    assert evaluate("parse_date('2026-03-06T23:30:00+00:00')", {}, SMALL) == date(2026, 3, 7)


def test_working_days_later_from_a_given_start() -> None:
    later = "working_days_later(1, '2026-03-27T10:00:00+02:00')"  # Friday before DST
    assert evaluate(later, {}, SMALL) == "2026-03-30T10:00:00+03:00"
    assert evaluate("working_days_later(0, '2026-03-07')", {}, SMALL) == "2026-03-09T00:00:00+02:00"
    assert failure("working_days_later(10**6)").message.startswith("ValueError: working days")


@pytest.mark.parametrize(
    ("call", "duration"),
    [
        ("iso_duration(days=14)", "P14D"),
        ("iso_duration(hours=2)", "PT2H"),
        ("iso_duration(days=1, hours=2, minutes=30)", "P1DT2H30M"),
        ("iso_duration()", "P0D"),
    ],
)
def test_iso_duration_writes_iso_8601_durations(call: str, duration: str) -> None:
    assert evaluate(call, {}, SMALL) == duration


# ---------------------------------------------------------------- through SpiffWorkflow

ENGINE_BUDGET = Budget(seconds=0.5)


def workflow(name: str) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(BPMN / f"sandbox_{name}.bpmn"))
    process = f"sandbox_{name}"
    return BpmnWorkflow(
        parser.get_spec(process),
        parser.get_subprocess_specs(process),
        script_engine=script_engine(ENGINE_BUDGET),
    )


def engine_failure(name: str) -> WorkflowTaskException:
    with pytest.raises(WorkflowTaskException) as caught:
        workflow(name).do_engine_steps()
    return caught.value


def test_a_script_task_puts_its_result_in_task_data_and_a_gateway_reads_it() -> None:
    flow = workflow("compute")
    flow.do_engine_steps()
    (waiting,) = flow.get_tasks(state=TaskState.READY)
    assert waiting.task_spec.bpmn_id == "three"  # the gateway's condition x == 3 held
    assert waiting.data == {"x": 3}


def test_a_gateway_condition_cannot_reach_object_subclasses() -> None:
    error = engine_failure("escape")
    assert isinstance(error.__cause__, ScriptRejected)
    assert error.exception is error.__cause__
    assert "__subclasses__" in str(error)


def test_an_endless_script_task_is_stopped_by_its_budget() -> None:
    started = time.monotonic()
    error = engine_failure("endless")
    assert isinstance(error.__cause__, BudgetExceeded)
    assert (error.line_number, error.error_line) == (1, "while True: pass")
    # Stopped by the sandbox's own deadline check, well before the worker's watchdog;
    # the bound leaves room for starting a worker process on a busy machine.
    assert time.monotonic() - started < ENGINE_BUDGET.wall_seconds


def test_a_script_task_error_names_the_failing_line() -> None:
    error = engine_failure("broken")
    assert isinstance(error.__cause__, ScriptFailed)
    assert (error.line_number, error.error_line) == (2, "z = missing")
    assert str(error).startswith("NameError: name 'missing' is not defined (line 2)")


@pytest.mark.parametrize("failing", ["escape", "endless"])
def test_processes_still_run_after_a_script_failed(failing: str) -> None:
    engine_failure(failing)
    flow = workflow("compute")
    flow.do_engine_steps()
    assert [task.data for task in flow.get_tasks(state=TaskState.READY)] == [{"x": 3}]


def test_the_environment_keeps_spiffworkflows_context_rules() -> None:
    environment = SandboxedEnvironment(SMALL)
    assert environment.evaluate("a + b", {"a": 1}, {"b": 2}) == 3
    assert environment.evaluate("a", {"a": "task"}, {"a": "external"}) == "task"
    context = {"a": 1}
    assert environment.execute("c = a + b", context, {"b": 2})
    assert context == {"a": 1, "c": 3}  # the external context is lent, not kept
    with pytest.raises(ValueError, match="overwrites"):
        environment.execute("x = 1", {"b": 1}, {"b": 2})


def test_the_sandbox_module_does_not_import_spiffworkflow() -> None:
    tree = ast.parse(Path(sandbox.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "RestrictedPython.compile" in imported
    assert not any(str(name).startswith("SpiffWorkflow") for name in imported)
