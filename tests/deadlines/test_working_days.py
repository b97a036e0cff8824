"""Working-day deadlines count in the calendar of the organisation the task goes to,
and timer start events are deployable only where they make sense."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pathways import clock
from pathways.calendar import END_OF_DAY, HELSINKI
from pathways.deadlines import calendars
from pathways.deadlines.status import DeadlineStatus
from pathways.engine import Budget, build
from pathways.forms.service import FormCatalog
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.settings import DeadlineSettings
from pathways.tasks.schemas import TaskOut
from tests import factories

BPMN = Path(__file__).parents[1] / "bpmn"
MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 09:00 in Helsinki


def end_of(day: date) -> datetime:
    """The last moment of a day in Helsinki, when a working-day deadline on it passes."""
    return datetime.combine(day, END_OF_DAY, HELSINKI)


def deploy_interview(db, settings) -> None:
    """The interview model with a late escalation, so that `dueInWorkingDays` decides."""
    text = (BPMN / "interview_deadline.bpmn").read_text()
    data = text.replace("working_days_later(10)", "working_days_later(30)").encode()
    with db.tx() as s:
        factories.team(s)
        processes.deploy(s, data=data, actor=Actor.operator(), settings=settings)


def interview_due(db, settings) -> datetime:
    with clock.frozen(MONDAY), db.tx() as s:
        # each call measures a fresh case of the same client
        case = factories.start(s, settings, "interview_deadline", duplicate_confirmed=True)
        return factories.open_task(s, case.id, "interview").due_at


def test_an_organisations_closed_days_move_its_working_day_deadlines(db, settings):
    deploy_interview(db, settings)
    # 10 working days from Monday 23 November: the end of Monday 7 December.
    assert interview_due(db, settings) == end_of(date(2026, 12, 7))
    with db.tx() as s:
        calendars.close_day(s, organisation="westland-ea", day=date(2026, 11, 27), reason="move")
        calendars.close_day(s, organisation="barsby", day=date(2026, 11, 30))  # not its task
    assert interview_due(db, settings) == end_of(date(2026, 12, 8))


def test_days_closed_for_everyone_come_from_settings(db, settings):
    deploy_interview(db, settings)
    closed = settings.model_copy(
        update={"deadlines": DeadlineSettings(closed_days=[date(2026, 11, 24), date(2026, 11, 25)])}
    )
    assert interview_due(db, closed) == end_of(date(2026, 12, 9))


def test_a_task_shows_whether_it_is_open_at_risk_or_overdue(db, settings, frozen_clock):
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "handoff")
        case = factories.start(s, settings, "handoff")
        guidance = factories.open_task(s, case.id, "guidance")  # due in 3 days (its timer)
        window = timedelta(hours=48)
        assert TaskOut.of(guidance, at_risk_window=window).deadline == DeadlineStatus.OPEN
        frozen_clock.advance(timedelta(days=2))
        shown = TaskOut.of(guidance, at_risk_window=window)
        assert (shown.deadline, shown.overdue) == (DeadlineStatus.AT_RISK, False)
        frozen_clock.advance(timedelta(days=2))
        shown = TaskOut.of(guidance, at_risk_window=window)
        assert (shown.deadline, shown.overdue) == (DeadlineStatus.OVERDUE, True)


def model_with_start_timer(timer: str) -> bytes:
    text = (BPMN / "timer_kinds.bpmn").read_text()
    duration = '<bpmn:timeDuration>"PT30M"</bpmn:timeDuration>'
    assert duration in text
    return text.replace(duration, timer).encode()


def problems_of(data: bytes) -> list[str]:
    forms = FormCatalog(Path(__file__).parents[1] / "forms")
    (process,) = build(
        data, max_bytes=2_000_000, check_form=forms.problem, budget=Budget(seconds=0.5)
    )
    return [str(p) for p in process.problems]


def test_a_timer_start_event_that_delays_the_first_step_deploys():
    assert (
        problems_of(model_with_start_timer('<bpmn:timeDuration>"PT30M"</bpmn:timeDuration>')) == []
    )


def test_a_cycle_timer_start_event_is_refused_with_the_reason():
    (problem,) = problems_of(model_with_start_timer('<bpmn:timeCycle>"R3/P1D"</bpmn:timeCycle>'))
    assert problem.startswith("start: a cycle timer cannot start cases: a case needs a client")
