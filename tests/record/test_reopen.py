"""A manager reopens a completed step the model declares reopenable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pathways.audit.models import AuditEvent
from pathways.cases import service as cases
from pathways.deadlines.models import Timer, TimerState
from pathways.errors import Conflict, InvalidData, InvalidModel, NotPermitted
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.record.models import RecordEntry
from pathways.record.reopening import reopen, reopenings_of
from pathways.tasks import drafts
from pathways.tasks import service as tasks
from pathways.tasks.models import Task, TaskState
from tests import factories

pytestmark = pytest.mark.usefixtures("frozen_clock")

ANSWERS = {"summary": "Talked about work", "goals": "Cook", "needs_county": True}


@pytest.fixture
def case(db, settings):
    with db.tx() as s:
        factories.team(s)
        people.create_user(s, login="kaisa", organisation="westland-wbc", roles=["manager"])
        factories.deploy(s, settings, "reopen")
        factories.deploy(s, settings, "record")
        case_id = factories.start(s, settings, "reopen_case", reference="R-1").id
    complete(db, settings, step(db, case_id, "assessment"), "ville", ANSWERS)
    return case_id


def step(db, case_id, bpmn_id, state=TaskState.OPEN):
    with db.tx() as s:
        return s.scalars(
            select(Task.id)
            .where(Task.instance_id == case_id, Task.bpmn_id == bpmn_id, Task.state == state)
            .order_by(Task.id.desc())
        ).first()


def complete(db, settings, tid, login, data):
    with db.tx() as s:
        tasks.complete(
            s, task_id=tid, data=data, actor=factories.actor(s, login), settings=settings
        )


def send_back(db, settings, tid, login="maija", reason="The client's situation changed"):
    with db.tx() as s:
        task = tasks.get(s, tid)
        return reopen(
            s,
            task=task,
            instance=cases.get(s, task.instance_id),
            reason=reason,
            actor=factories.actor(s, login),
            settings=settings,
        ).id


def test_the_step_opens_again_with_its_answers_as_a_draft_and_the_hand_off_is_cancelled(
    db, settings, case, frozen_clock
):
    assessment = step(db, case, "assessment", TaskState.COMPLETED)
    county = step(db, case, "county")
    reopened_at = frozen_clock.advance(timedelta(days=3))
    send_back(db, settings, assessment)
    with db.tx() as s:
        task = tasks.get(s, assessment)
        assert task.state == TaskState.OPEN and task.completed_at is None
        assert task.due_at == reopened_at + timedelta(days=7)  # due afresh
        assert task.assignee is not None and task.assignee.login == "ville"
        assert s.get(Task, county).state == TaskState.CANCELLED
        (timer,) = s.scalars(select(Timer).where(Timer.instance_id == case)).all()
        assert timer.state == TimerState.CANCELLED
        draft = drafts.find(s, task_id=assessment, actor=factories.actor(s, "ville"))
        assert draft is not None and draft.data == ANSWERS
        entry = s.scalar(select(RecordEntry).where(RecordEntry.task_id == assessment))
        assert entry.data == ANSWERS  # the record keeps the values meanwhile
        (kept,) = reopenings_of(s, assessment)
        assert (kept.reopened_by, kept.reason, kept.previous) == (
            "maija",
            "The client's situation changed",
            ANSWERS,
        )
        audited = s.scalars(select(AuditEvent.action).where(AuditEvent.task_id == assessment))
        assert "task.reopened" in set(audited)

    # Completed anew, the case goes on from the step; the history keeps the first answers.
    changed = {**ANSWERS, "summary": "Talked about work and housing"}
    complete(db, settings, assessment, "ville", changed)
    with db.tx() as s:
        entry = s.scalar(select(RecordEntry).where(RecordEntry.task_id == assessment))
        assert entry.data == changed
        assert reopenings_of(s, assessment)[0].previous == ANSWERS
        assert s.scalar(select(Timer.state).where(Timer.state == TimerState.WAITING)) is not None
    assert step(db, case, "county") not in (None, county)


@pytest.mark.parametrize("login", ["ville", "kaisa", "admin"])
def test_only_a_manager_of_the_step_s_organisation_reopens_it(db, settings, case, login):
    assessment = step(db, case, "assessment", TaskState.COMPLETED)
    with pytest.raises(NotPermitted, match="only a manager of the step's organisation"):
        send_back(db, settings, assessment, login=login)


def test_a_reason_is_required(db, settings, case):
    assessment = step(db, case, "assessment", TaskState.COMPLETED)
    with pytest.raises(InvalidData, match="reason"):
        send_back(db, settings, assessment, reason="  ")


def test_a_hand_off_already_acted_on_is_not_taken_back(db, settings, case):
    complete(db, settings, step(db, case, "county"), "helmi", {"services": "Social work"})
    with pytest.raises(Conflict, match="another organisation has already acted"):
        send_back(db, settings, step(db, case, "assessment", TaskState.COMPLETED))


def test_an_open_step_is_not_reopened(db, settings, case):
    assessment = step(db, case, "assessment", TaskState.COMPLETED)
    send_back(db, settings, assessment)
    with pytest.raises(Conflict, match="only a completed step is reopened"):
        send_back(db, settings, assessment)


def test_a_step_the_model_does_not_declare_reopenable_is_refused(db, settings, case):
    with db.tx() as s:
        other = factories.start(s, settings, "record_case", reference="R-2").id
    complete(db, settings, step(db, other, "assessment"), "ville", ANSWERS)
    with pytest.raises(Conflict, match="does not let this step be reopened"):
        send_back(db, settings, step(db, other, "assessment", TaskState.COMPLETED))


def test_a_cancelled_case_cannot_go_back(db, settings, case):
    with db.tx() as s:
        cases.cancel(s, instance_id=case, actor=factories.actor(s, "maija"), settings=settings)
    with pytest.raises(Conflict, match="cannot go back"):
        send_back(db, settings, step(db, case, "assessment", TaskState.COMPLETED))


def test_a_model_whose_reopenable_is_not_true_or_false_is_refused_at_deploy(db, settings):
    xml = (factories.BPMN / "reopen.bpmn").read_bytes()
    wrong = xml.replace(b'name="reopenable" value="true"', b'name="reopenable" value="yes"')
    with db.tx() as s, pytest.raises(InvalidModel, match="reopenable 'yes'"):
        processes.deploy(s, data=wrong, actor=Actor.operator(), settings=settings)


def test_the_dashboards_kept_counts_follow_a_reopened_step(db, settings, case):
    from tests.dashboards.test_kept_counts import counted_by_hand, overview

    assessment = step(db, case, "assessment", TaskState.COMPLETED)
    send_back(db, settings, assessment)
    with db.tx() as s:
        assert overview(s, settings) == counted_by_hand(s, settings)
        assert sum(overview(s, settings).values()) > 0
    complete(db, settings, assessment, "ville", ANSWERS)
    with db.tx() as s:
        assert overview(s, settings) == counted_by_hand(s, settings)
