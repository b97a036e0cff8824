"""Lint refuses what would parse but cannot run: timers out of range, endless or too fast
cycles, and scripts whose constant parts already break the budget (run in a worker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.engine import Budget, Pathway, build
from pathways.engine.lint_limits import constant_parts
from pathways.errors import ScriptFailure
from pathways.forms.service import FormCatalog
from tests.model_xml import one_step

FORMS = FormCatalog(Path(__file__).parents[1] / "forms")
BUDGET = Budget(seconds=0.5, max_size=100_000, wall_seconds=1.5)


def problems(data: bytes) -> list[str]:
    built = build(data, max_bytes=2_000_000, check_form=FORMS.problem, budget=BUDGET)
    return [str(p) for process in built for p in process.problems]


@pytest.mark.parametrize("value", ["P10000000000D", "P200Y", "PT9999999999999H"])
def test_durations_beyond_a_hundred_years_are_refused(value: str) -> None:
    assert problems(one_step(timer=f'"{value}"')) == [
        f"deadline: timer value '{value}' is more than 100 years away"
    ]


def test_due_in_beyond_a_hundred_years_is_refused() -> None:
    assert problems(one_step(due_in="P10000000000D")) == [
        "work: timer value 'P10000000000D' is more than 100 years away"
    ]
    assert problems(one_step(due_in="P14D")) == []


def test_dates_out_of_range_are_refused() -> None:
    assert problems(one_step(timer='"9999-01-01T00:00:00+00:00"', timer_kind="timeDate")) == [
        "deadline: timer value '9999-01-01T00:00:00+00:00' is more than 100 years away"
    ]
    assert problems(one_step(timer='"2027-01-01T00:00:00+02:00"', timer_kind="timeDate")) == []


@pytest.mark.parametrize(
    ("cycle", "reason"),
    [
        ("R/PT1H", "repeats without end: give the number of repetitions, e.g. R3/P1D"),
        ("R5/PT1S", "repeats more often than once a minute"),
        ("R/PT1S", "repeats without end: give the number of repetitions, e.g. R3/P1D"),
        ("R100000/PT1H", "repeats more than 10000 times"),
        ("R3/P10000000000D", "is more than 100 years away"),
    ],
)
def test_cycles_need_a_bound_and_a_period_of_a_minute(cycle: str, reason: str) -> None:
    assert problems(one_step(timer=f'"{cycle}"', timer_kind="timeCycle")) == [
        f"deadline: timer cycle '{cycle}' {reason}"
        if "years" not in reason
        else f"deadline: timer value '{cycle}' {reason}"
    ]


def test_a_bounded_cycle_of_a_minute_or_more_passes() -> None:
    assert problems(one_step(timer='"R3/PT1M"', timer_kind="timeCycle")) == []


def test_constant_parts_are_the_largest_parts_that_read_no_data() -> None:
    assert constant_parts("x = 'a' * 10**10 + name\ny = len(range(5))", "exec") == [
        (1, "'a' * 10 ** 10"),
        (2, "len(range(5))"),
    ]
    assert constant_parts("range = 3\ny = range * 10", "exec") == []  # shadowed builtin
    assert constant_parts("y = [i for i in range(10**12)]", "exec") == [(1, "range(10 ** 12)")]


def test_a_script_whose_constant_part_is_too_large_is_refused() -> None:
    (problem,) = problems(one_step(script="a = 1\ntotal = amount + len('x' * 10**10)"))
    assert problem == (
        "script: script: 'len('x' * 10 ** 10)' (line 2) already breaks the budget:"
        " script built a value larger than 100000 items"
    )


def test_a_condition_that_would_freeze_on_constants_is_refused() -> None:
    (problem,) = problems(one_step(condition="score > sum(map(sum, map(range, range(10**6))))"))
    assert problem.startswith(
        "gate: condition to other: 'sum(map(sum, map(range, range(10 ** 6))))' (line 1)"
        " already breaks the budget:"
    )


def test_a_timer_reading_case_data_is_checked_for_its_constant_parts() -> None:
    (problem,) = problems(one_step(timer="f'P{days}D' + 'x' * 10**10"))
    assert problem.startswith("deadline: timer expression: ''x' * 10 ** 10' (line 1) already")


def test_failures_of_constant_parts_that_are_not_budgets_wait_for_run_time() -> None:
    assert problems(one_step(script="x = 1 if flag else 1 / 0")) == []


def test_a_timer_value_computed_from_case_data_is_checked_when_reached() -> None:
    (process,) = build(
        one_step(timer="f'P{days}D'"), max_bytes=2_000_000, check_form=FORMS.problem, budget=BUDGET
    )
    assert process.problems == ()
    pathway = Pathway(process.spec, BUDGET)
    with pytest.raises(ScriptFailure) as failure:
        pathway.start({"days": 10**10})
    assert (
        failure.value.message == "deadline: timer value 'P10000000000D' is more than 100 years away"
    )
    assert len(pathway.start({"days": 3}).timers) == 1
