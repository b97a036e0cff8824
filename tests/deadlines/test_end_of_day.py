"""A deadline of N working days is the end of the Nth working day in Helsinki: the step
is late, its escalation opens and the dashboards count it overdue only once that day is
over, and the days its organisation is closed push it on."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from pathways import clock
from pathways.calendar import END_OF_DAY
from pathways.dashboards import service as dashboards
from pathways.dashboards.filters import DashboardFilter
from pathways.deadlines import calendars
from pathways.deadlines.firing import fire_due
from pathways.deadlines.service import timers_of
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.tasks.schemas import TaskOut
from tests import factories

# The frozen clock starts on Monday 23 November 2026 at 09:00 in Helsinki.
WEDNESDAY = date(2026, 11, 25)  # two working days later
ONE_MOMENT = timedelta(microseconds=1)


def helsinki(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.HELSINKI)


def end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, clock.HELSINKI)


def start_case(db, settings) -> int:
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "end_of_day_deadline")
        return factories.start(s, settings, "end_of_day_deadline").id


def fire(db, settings, case_id: int) -> set[str]:
    with db.tx() as s:
        return {t.bpmn_id for t in fire_due(s, instance_id=case_id, settings=settings).opened}


def decision(db, case_id: int) -> TaskOut:
    """The open step as lists and pages show it (its due time and whether it is late)."""
    with db.tx() as s:
        return TaskOut.of(factories.open_task(s, case_id, "decide"))


def overdue_on_dashboard(db, settings) -> int:
    with db.tx() as s:
        rows = dashboards.overview(
            s, actor=Actor.operator(), filters=DashboardFilter(), settings=settings
        )
    return sum(row.overdue for row in rows if row.step == "decide")


def test_the_step_is_due_at_the_end_of_its_last_working_day(db, settings, frozen_clock):
    case_id = start_case(db, settings)
    task = decision(db, case_id)
    assert task.due_at == end_of(WEDNESDAY)
    with db.tx() as s:
        (timer,) = timers_of(s, case_id)
        assert timer.due_at == end_of(WEDNESDAY)  # the escalation waits for the same moment


def test_the_escalation_opens_only_once_the_due_day_is_over(db, settings, frozen_clock):
    case_id = start_case(db, settings)
    for moment in (helsinki(WEDNESDAY), helsinki(WEDNESDAY, 23, 59), end_of(WEDNESDAY)):
        frozen_clock.set(moment)
        assert fire(db, settings, case_id) == set(), moment
        assert not decision(db, case_id).overdue
        assert overdue_on_dashboard(db, settings) == 0
    frozen_clock.set(end_of(WEDNESDAY) + ONE_MOMENT)  # Thursday 00:00 in Helsinki
    assert fire(db, settings, case_id) == {"escalate"}
    assert decision(db, case_id).overdue
    assert overdue_on_dashboard(db, settings) == 1
    with db.tx() as s:
        late = dashboards.overdue_tasks(s, actor=Actor.operator(), filters=DashboardFilter())
    assert [row.step for row in late] == ["decide"]


LISTED = (factories.BPMN / "end_of_day_deadline.bpmn").read_text()
# The same model with its boundary timer left out of every lane: it takes its step's.
UNLISTED = LISTED.replace("<bpmn:flowNodeRef>decide_late</bpmn:flowNodeRef>", "")


@pytest.mark.parametrize("model", [LISTED, UNLISTED], ids=["timer in a lane", "timer in none"])
def test_a_day_the_organisation_is_closed_pushes_the_deadline_and_its_escalation(
    db, settings, frozen_clock, model
):
    with db.tx() as s:
        factories.team(s)
        processes.deploy(s, data=model.encode(), actor=Actor.operator(), settings=settings)
        calendars.close_day(s, organisation="westland-ea", day=date(2026, 11, 24))
        calendars.close_day(s, organisation="barsby", day=date(2026, 11, 26))  # not its step
        case_id = factories.start(s, settings, "end_of_day_deadline").id
    thursday = WEDNESDAY + timedelta(days=1)
    assert decision(db, case_id).due_at == end_of(thursday)
    frozen_clock.set(end_of(WEDNESDAY) + ONE_MOMENT)
    assert fire(db, settings, case_id) == set()
    assert overdue_on_dashboard(db, settings) == 0
    frozen_clock.set(end_of(thursday))
    assert fire(db, settings, case_id) == set()
    frozen_clock.set(end_of(thursday) + ONE_MOMENT)
    assert fire(db, settings, case_id) == {"escalate"}
    assert overdue_on_dashboard(db, settings) == 1
