"""Starting a pathway puts each step in the queue of the organisation serving the client."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pathways.audit.models import AuditEvent
from pathways.cases import service as cases
from pathways.cases.models import InstanceState
from pathways.deadlines.models import Timer, TimerState
from pathways.errors import Conflict, InvalidData, NotFound
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.tasks.models import Task
from tests import factories

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def ready(db, settings):
    with db.tx() as s:
        factories.team(s)
        for name in ("handoff", "gateway", "moved"):
            factories.deploy(s, settings, name)
    return db


def test_a_started_case_waits_in_the_municipality_of_the_client(ready, settings):
    with ready.tx() as s:
        instance = factories.start(s, settings, "handoff", municipality="barsby")
        case_id = instance.id
    with ready.tx() as s:
        tasks = s.scalars(select(Task).where(Task.instance_id == case_id)).all()
        assert [(t.bpmn_id, t.organisation.code, t.state) for t in tasks] == [
            ("guidance", "barsby", "open")
        ]
        assert tasks[0].lane == "Municipality"


def test_the_same_model_serves_another_region_through_its_own_team(ready, settings):
    with ready.tx() as s:
        instance = factories.start(s, settings, "handoff", reference="C-9", municipality="ostby")
        assert instance.team == {
            "municipality": "ostby",
            "employment_area": "eastland-ea",
            "wellbeing_county": "eastland-wbc",
        }
        assert factories.open_task(s, instance.id, "guidance").organisation.code == "ostby"


def test_the_deadline_of_a_step_is_its_earliest_timer_or_due_property(
    ready, settings, frozen_clock
):
    with ready.tx() as s:
        instance = factories.start(s, settings, "handoff")
        task = factories.open_task(s, instance.id, "guidance")
        timer = s.scalar(select(Timer).where(Timer.instance_id == instance.id))
    # dueInWorkingDays=5 from Monday 23.11. is Monday 30.11.; the P3D boundary timer is earlier.
    assert timer.state == TimerState.WAITING and timer.bpmn_id == "guidance_late"
    assert timer.due_at == frozen_clock.moment.replace(day=26)
    assert task.due_at == timer.due_at


def test_starting_writes_who_started_it_to_the_audit_log(ready, settings):
    with ready.tx() as s:
        instance = factories.start(s, settings, "handoff")
        events = s.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id)).all()
    assert [(e.actor, e.action) for e in events] == [("operator", "case.started")]


def test_an_unknown_pathway_or_municipality_starts_nothing(ready, settings):
    with pytest.raises(NotFound), ready.tx() as s:
        factories.start(s, settings, "no-such-pathway")
    with pytest.raises(NotFound), ready.tx() as s:
        factories.start(s, settings, "handoff", municipality="atlantis")
    with ready.tx() as s:
        assert s.scalars(select(Task)).all() == []


def test_a_municipality_nobody_covers_cannot_start_a_pathway_with_an_employment_lane(
    ready, settings
):
    with ready.tx() as s:
        people.create_organisation(s, code="lonely", kind="municipality", name="Lonely")
    with pytest.raises(InvalidData, match="employment_area"), ready.tx() as s:
        factories.start(s, settings, "handoff", municipality="lonely")


def test_a_client_reference_is_its_municipalitys_own(ready, settings):
    with ready.tx() as s:
        barsby = factories.start(s, settings, "handoff", reference="C-7", municipality="barsby")
        barsby_client = barsby.client_id
    with ready.tx() as s:
        ostby = factories.start(s, settings, "handoff", reference="C-7", municipality="ostby")
        assert ostby.client_id != barsby_client
        again = factories.start(
            s, settings, "handoff", reference="C-7", municipality="barsby", duplicate_confirmed=True
        )
        assert again.client_id == barsby_client


def test_start_data_with_a_serializer_type_tag_is_refused(ready, settings):
    with pytest.raises(InvalidData, match="typename"), ready.tx() as s:
        factories.start(s, settings, "handoff", data={"x": {"typename": "nonexistent"}})


def test_a_message_moves_the_case_to_the_employment_area(ready, settings):
    with ready.tx() as s:
        case_id = factories.start(s, settings, "moved").id
    with ready.tx() as s:
        opened = cases.deliver_message(
            s,
            instance_id=case_id,
            name="registered_as_jobseeker",
            payload={"on": "2026-11-24"},
            actor=Actor.operator(),
            settings=settings,
        )
        assert [(t.bpmn_id, t.organisation.code) for t in opened] == [("take_over", "westland-ea")]
        states = {t.bpmn_id: t.state for t in s.scalars(select(Task)).all()}
    assert states == {"assessment": "cancelled", "take_over": "open"}


def test_a_message_nobody_waits_for_is_a_conflict_and_changes_nothing(ready, settings):
    with ready.tx() as s:
        case_id = factories.start(s, settings, "moved").id
        revision = cases.get(s, case_id).revision
    with pytest.raises(Conflict, match="not waiting for a message"), ready.tx() as s:
        cases.deliver_message(
            s,
            instance_id=case_id,
            name="moved_away",
            payload={"municipality": "ostby"},  # a well-formed move the model does not know
            actor=Actor.operator(),
            settings=settings,
        )
    with ready.tx() as s:
        assert cases.get(s, case_id).revision == revision


def test_cancelling_a_case_withdraws_its_tasks_and_timers(ready, settings):
    with ready.tx() as s:
        case_id = factories.start(s, settings, "handoff").id
    with ready.tx() as s:
        cases.cancel(s, instance_id=case_id, actor=Actor.operator(), settings=settings)
    with ready.tx() as s:
        assert cases.get(s, case_id).state == InstanceState.CANCELLED
        assert {t.state for t in s.scalars(select(Task))} == {"cancelled"}
        assert {t.state for t in s.scalars(select(Timer))} == {"cancelled"}
