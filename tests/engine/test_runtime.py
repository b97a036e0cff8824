"""Running pathways in the engine, saving and restoring the state between every step."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pathways import clock
from pathways.engine import Budget, Pathway, build
from pathways.errors import Conflict, ScriptFailure, TaskNotReady
from pathways.forms.service import FormCatalog
from tests.model_xml import one_step

TESTS = Path(__file__).parents[1]
FORMS = FormCatalog(TESTS / "forms")
BUDGET = Budget(seconds=0.5, max_size=100_000)
GUIDANCE = {"summary": "met", "jobseeker": True}


def pathway(data: bytes, key: str | None = None) -> Pathway:
    processes = build(data, max_bytes=2_000_000, check_form=FORMS.problem, budget=BUDGET)
    chosen = next(p for p in processes if key is None or p.key == key)
    return Pathway(chosen.spec, BUDGET)


def model(name: str, key: str | None = None) -> Pathway:
    return pathway((TESTS / "bpmn" / f"{name}.bpmn").read_bytes(), key)


@pytest.fixture
def monday():
    with clock.frozen(datetime(2026, 11, 23, 7, 0, tzinfo=UTC)) as frozen:
        yield frozen


def test_a_case_runs_to_its_end_across_saves(monday):
    handoff = model("handoff")
    started = handoff.start({"client_language": "ar"})
    (guidance,) = started.open_tasks
    assert (guidance.bpmn_id, guidance.lane, guidance.form) == (
        "guidance",
        "Municipality",
        "guidance.schema.json",
    )
    assert guidance.due_in_working_days == 5
    after = handoff.complete(started.state, started.serializer_version, guidance.spiff_id, GUIDANCE)
    assert after.completed == {guidance.spiff_id}
    (interview,) = after.open_tasks
    assert (interview.bpmn_id, interview.lane, interview.due_in) == (
        "interview",
        "Employment area",
        "P10D",
    )
    # Leaving the guidance step cancelled its deadline: no timer waits any more.
    assert after.timers == () and after.fired_timers == frozenset()
    done = model("handoff").complete(after.state, after.serializer_version, interview.spiff_id, {})
    assert done.finished and done.open_tasks == ()


def test_the_state_keeps_no_copy_of_the_spec(monday):
    started = model("handoff").start({})
    state = json.loads(started.state)
    assert "spec" not in state and "subprocess_specs" not in state
    assert started.serializer_version == "1.5"


def test_a_non_interrupting_deadline_fires_once_when_its_time_comes(monday):
    handoff = model("handoff")
    started = handoff.start({})
    (timer,) = started.timers
    assert (timer.bpmn_id, timer.kind, timer.interrupting) == ("guidance_late", "duration", False)
    assert timer.due_at == monday.moment + timedelta(days=3)
    assert timer.attached_to == started.open_tasks[0].spiff_id
    early = handoff.fire_timers(started.state, started.serializer_version)
    assert early.fired_timers == frozenset() and len(early.timers) == 1
    monday.advance(timedelta(days=3, seconds=1))
    fired = handoff.fire_timers(early.state, early.serializer_version)
    assert fired.fired_timers == {timer.spiff_id}
    assert sorted(t.bpmn_id for t in fired.open_tasks) == ["escalate", "guidance"]
    again = handoff.fire_timers(fired.state, fired.serializer_version)
    assert again.fired_timers == frozenset() and again.open_tasks == fired.open_tasks


@pytest.mark.parametrize(
    ("kind", "text", "due"),
    [
        ("timeDuration", "P14D", datetime(2026, 12, 7, 7, 0, tzinfo=UTC)),
        ("timeDuration", " PT1H30M ", datetime(2026, 11, 23, 8, 30, tzinfo=UTC)),
        ("timeDate", "2026-12-01T10:00:00Z", datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),
    ],
)
def test_a_timer_written_as_bare_iso_text_runs_as_that_text(monday, kind, text, due):
    started = pathway(one_step(timer=text, timer_kind=kind)).start({})
    (timer,) = started.timers
    assert timer.due_at == due


def test_a_timer_date_computed_by_a_script_counts_working_days(monday):
    gateway = model("gateway")
    started = gateway.start({})
    (guidance,) = started.open_tasks
    after = gateway.complete(started.state, started.serializer_version, guidance.spiff_id, GUIDANCE)
    (timer,) = after.timers
    # Ten working days from Monday 23.11.2026, 09:00 Helsinki: Monday 7.12. (6.12. is a Sunday).
    assert clock.local(timer.due_at).strftime("%d.%m.%Y %H:%M") == "07.12.2026 09:00"


def test_an_interrupting_message_cancels_the_task_it_interrupts(monday):
    moved = model("moved")
    started = moved.start({})
    (assessment,) = started.open_tasks
    after = moved.deliver(
        started.state, started.serializer_version, "registered_as_jobseeker", {"on": "2026-11-24"}
    )
    assert after.cancelled == {assessment.spiff_id}
    assert [t.bpmn_id for t in after.open_tasks] == ["take_over"]


def test_a_message_nobody_waits_for_is_a_conflict(monday):
    started = model("moved").start({})
    with pytest.raises(Conflict, match="not waiting"):
        model("moved").deliver(started.state, started.serializer_version, "moved_away", {})


def test_a_task_that_is_not_ready_cannot_be_completed(monday):
    handoff = model("handoff")
    started = handoff.start({})
    with pytest.raises(TaskNotReady):
        handoff.complete(
            started.state, started.serializer_version, "00000000-0000-0000-0000-000000000000", {}
        )
    with pytest.raises(TaskNotReady):
        handoff.complete(started.state, started.serializer_version, "not-a-uuid", {})


def test_tasks_of_a_called_process_take_the_lane_of_the_call_activity(monday):
    started = model("caller", "caller").start({})
    (work,) = started.open_tasks
    assert (work.bpmn_id, work.lane) == ("shared_work", "Employment area")


def test_tasks_in_the_lead_lane_of_a_called_process_take_the_calling_lane(monday):
    started = model("lead_lane", "lead_caller").start({})
    lanes = {task.bpmn_id: task.lane for task in started.open_tasks}
    assert lanes == {"lead_work": "Municipality", "county_work": "Wellbeing services county"}


def test_a_model_with_a_lead_lane_deploys_on_its_own_without_problems():
    data = (TESTS / "bpmn" / "lead_lane.bpmn").read_bytes()
    built = build(data, max_bytes=2_000_000, check_form=FORMS.problem, budget=BUDGET)
    assert {p.key: p.problems for p in built} == {"lead_caller": (), "led_steps": ()}
    assert {p.key: p.kinds for p in built} == {
        "lead_caller": ("municipality", "wellbeing_county"),
        "led_steps": ("wellbeing_county",),
    }


def test_cancelling_withdraws_every_open_task_and_timer(monday):
    handoff = model("handoff")
    started = handoff.start({})
    cancelled = handoff.cancel(started.state, started.serializer_version)
    assert cancelled.cancelled == {started.open_tasks[0].spiff_id}
    assert cancelled.open_tasks == () and cancelled.timers == ()


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ("open('/etc/passwd')", "NameError"),
        ("'a' * 10**10", "larger than"),
        ("len([0] * 10**9) > 0", "larger than"),
    ],
)
def test_a_condition_that_fails_at_run_time_stops_the_step_and_names_the_element(
    monday, condition, reason
):
    flow = pathway(one_step(condition=condition))
    started = flow.start({})
    with pytest.raises(ScriptFailure) as failure:
        flow.complete(started.state, started.serializer_version, started.open_tasks[0].spiff_id, {})
    assert failure.value.message.startswith("gate: ")
    assert reason in failure.value.message
    # The stored state is untouched, so the step can be retried.
    assert flow.start({}).open_tasks[0].bpmn_id == "work"


def test_a_runaway_script_is_stopped_by_its_time_budget(monday):
    flow = pathway(one_step(script="while True:\n    pass"))
    with pytest.raises(ScriptFailure, match="script: .*0.5"):
        flow.start({})
    assert pathway(one_step(script="x = 1")).start({}).open_tasks[0].bpmn_id == "work"


def _run_to_end(moving: Pathway) -> bool:
    advance = moving.start({})
    while advance.open_tasks:
        task = advance.open_tasks[0]
        advance = moving.complete(advance.state, advance.serializer_version, task.spiff_id, {})
    return advance.finished


def test_a_message_that_starts_an_event_subprocess_can_end_the_case_at_any_step(monday):
    moving = model("moving")
    assert moving.event_subprocess_messages == {"moved_away"}
    started = moving.start({})
    (first,) = started.open_tasks
    ended = moving.deliver(
        started.state, started.serializer_version, "moved_away", {}, then_end=True
    )
    assert ended.finished and ended.open_tasks == () and ended.cancelled == {first.spiff_id}
    second = moving.complete(started.state, started.serializer_version, first.spiff_id, {})
    moved_later = moving.deliver(
        second.state, second.serializer_version, "moved_away", {}, then_end=True
    )
    assert moved_later.finished and moved_later.open_tasks == ()


def test_cases_started_after_a_move_still_run_to_their_end(monday):
    # SpiffWorkflow 3.2 links a started event subprocess into the shared spec for good; the
    # move never starts it, so the next case of the same spec is not left waiting for it.
    moving = model("moving")
    started = moving.start({})
    moving.deliver(started.state, started.serializer_version, "moved_away", {}, then_end=True)
    assert _run_to_end(moving)
