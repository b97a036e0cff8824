"""Completing a task: who may, what data fits, and where the case goes next."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from pathways.audit.models import AuditEvent
from pathways.cases import service as cases
from pathways.errors import Conflict, InvalidData, NotPermitted, ScriptFailure, TaskNotReady
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from tests import factories
from tests.model_xml import one_step

pytestmark = pytest.mark.usefixtures("frozen_clock")

GUIDANCE = {"summary": "Explained the services", "jobseeker": True}


@pytest.fixture
def case(db, settings):
    """A handoff case waiting for guidance in Barsby; returns (case id, guidance task id)."""
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "handoff")
        factories.deploy(s, settings, "gateway")
        instance = factories.start(s, settings, "handoff")
        return instance.id, factories.open_task(s, instance.id, "guidance").id


def complete(db, settings, task_id, login, data):
    with db.tx() as s:
        return tasks.complete(
            s, task_id=task_id, data=data, actor=factories.actor(s, login), settings=settings
        )


def snapshot(db, case_id):
    with db.tx() as s:
        instance = cases.get(s, case_id)
        rows = s.scalars(select(Task).where(Task.instance_id == case_id).order_by(Task.id))
        return instance.revision, instance.workflow_state, [(t.bpmn_id, t.state) for t in rows]


def test_completing_hands_the_case_to_the_next_organisations_queue(db, settings, case):
    case_id, task_id = case
    done = complete(db, settings, task_id, "anna", GUIDANCE)
    assert [(t.bpmn_id, t.organisation.code, t.lane) for t in done.opened] == [
        ("interview", "westland-ea", "Employment area")
    ]
    with db.tx() as s:
        queue = tasks.list_tasks(s, tasks.TaskFilter(organisation="westland-ea"))
        assert [t.bpmn_id for t in queue] == ["interview"]
        finished = s.get_one(Task, task_id)
        assert (finished.state, finished.completed_by.login) == ("completed", "anna")


def test_the_due_property_sets_the_next_steps_deadline(db, settings, case, frozen_clock):
    _, task_id = case
    done = complete(db, settings, task_id, "anna", GUIDANCE)
    assert done.opened[0].due_at == frozen_clock.moment.replace(month=12, day=3)  # P10D


def test_completing_a_task_twice_is_refused(db, settings, case):
    _, task_id = case
    complete(db, settings, task_id, "anna", GUIDANCE)
    with pytest.raises(TaskNotReady):
        complete(db, settings, task_id, "anna", GUIDANCE)


def test_a_caseworker_of_another_organisation_cannot_complete_the_task(db, settings, case):
    case_id, task_id = case
    before = snapshot(db, case_id)
    with pytest.raises(NotPermitted, match="another organisation"):
        complete(db, settings, task_id, "ville", GUIDANCE)
    with pytest.raises(NotPermitted):
        complete(db, settings, task_id, "olli", GUIDANCE)  # a municipal worker, but not Barsby's
    assert snapshot(db, case_id) == before


def test_a_manager_or_designer_is_not_a_caseworker(db, settings, case):
    _, task_id = case
    with pytest.raises(NotPermitted):
        complete(db, settings, task_id, "dana", GUIDANCE)


def test_a_claimed_task_is_completed_only_by_its_assignee(db, settings, case):
    _, task_id = case
    with db.tx() as s:
        people.create_user(s, login="aino", organisation="barsby", roles=["caseworker"])
        tasks.claim(s, task_id=task_id, actor=factories.actor(s, "anna"))
    with pytest.raises(NotPermitted, match="claimed"):
        complete(db, settings, task_id, "aino", GUIDANCE)
    with pytest.raises(Conflict), db.tx() as s:
        tasks.claim(s, task_id=task_id, actor=factories.actor(s, "aino"))
    complete(db, settings, task_id, "anna", GUIDANCE)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"summary": "x"}, "missing required field jobseeker"),
        ({"summary": 42, "jobseeker": True}, "summary: must be of type string"),
        ({"summary": "x", "jobseeker": "yes"}, "jobseeker: must be of type boolean"),
        (
            {"summary": "x", "jobseeker": True, "met_on": "yesterday"},
            "met_on: must be a valid date",
        ),
        ({"summary": "x", "jobseeker": True, "extra": 1}, "fields the form does not know"),
        ({"summary": {"typename": "BpmnWorkflow"}, "jobseeker": True}, "reserved key 'typename'"),
    ],
)
def test_data_that_does_not_fit_the_form_is_refused_and_nothing_changes(
    db, settings, case, data, reason
):
    case_id, task_id = case
    before = snapshot(db, case_id)
    with pytest.raises(InvalidData) as refused:
        complete(db, settings, task_id, "anna", data)
    assert reason in " ".join(refused.value.errors + [refused.value.message])
    assert snapshot(db, case_id) == before
    complete(db, settings, task_id, "anna", GUIDANCE)  # and the next attempt works


def test_hostile_values_are_not_echoed_in_errors(db, settings, case):
    _, task_id = case
    with pytest.raises(InvalidData) as refused:
        complete(
            db,
            settings,
            task_id,
            "anna",
            {"summary": "x", "jobseeker": "<script>alert(1)</script>"},
        )
    assert "<script>" not in str(refused.value.errors)


def test_a_step_without_a_form_is_marked_done_without_data(db, settings, case):
    case_id, task_id = case
    complete(db, settings, task_id, "anna", GUIDANCE)
    with db.tx() as s:
        interview = factories.open_task(s, case_id, "interview").id
    with pytest.raises(InvalidData, match="no form"):
        complete(db, settings, interview, "ville", {"anything": 1})
    done = complete(db, settings, interview, "ville", {})
    assert done.case_finished
    with db.tx() as s:
        assert cases.get(s, case_id).state == "completed"


def test_a_task_of_a_finished_or_cancelled_case_cannot_be_completed(db, settings, case):
    case_id, task_id = case
    with db.tx() as s:
        cases.cancel(s, instance_id=case_id, actor=Actor.operator(), settings=settings)
    with pytest.raises(TaskNotReady):
        complete(db, settings, task_id, "anna", GUIDANCE)


def test_a_gateway_routes_on_form_data(db, settings, case):
    with db.tx() as s:
        yes = factories.start(s, settings, "gateway", reference="C-2").id
        no = factories.start(s, settings, "gateway", reference="C-3").id
    for case_id, jobseeker in ((yes, True), (no, False)):
        with db.tx() as s:
            task_id = factories.open_task(s, case_id, "guidance").id
        complete(db, settings, task_id, "anna", {"summary": "met", "jobseeker": jobseeker})
    with db.tx() as s:
        assert factories.open_task(s, yes, "interview").organisation.code == "westland-ea"
        assert factories.open_task(s, no, "civic").organisation.code == "barsby"


def test_completion_is_audited(db, settings, case):
    case_id, task_id = case
    complete(db, settings, task_id, "anna", GUIDANCE)
    with db.tx() as s:
        actions = s.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.instance_id == case_id)
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["case.started", "task.completed"]


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_two_caseworkers_completing_at_once_one_wins(db, settings, case):
    """On PostgreSQL the row lock serialises them: one completes, the other finds it done."""
    _, task_id = case
    with db.tx() as s:
        people.create_user(s, login="aino", organisation="barsby", roles=["caseworker"])
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def attempt(login: str) -> None:
        barrier.wait()
        try:
            complete(db, settings, task_id, login, GUIDANCE)
            outcomes.append("won")
        except (TaskNotReady, Conflict):
            outcomes.append("lost")

    threads = [threading.Thread(target=attempt, args=(who,)) for who in ("anna", "aino")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["lost", "won"]
    with db.tx() as s:
        assert s.get_one(Task, task_id).state == "completed"


@pytest.mark.parametrize(
    "condition",
    # Sizes from case data: lint refuses constant ones ('a' * 10**10) at deploy already.
    ["'a' * n", "open('/etc/passwd')", "[x for x in range(n)]"],
)
def test_a_condition_that_fails_at_run_time_leaves_the_case_as_it_was(db, settings, condition):
    with db.tx() as s:
        factories.team(s)
        data = one_step(condition=condition, process_id="fragile")
        processes.deploy(s, data=data, actor=Actor.operator(), settings=settings)
        case_id = factories.start(s, settings, "fragile", data={"n": 10**10}).id
        task_id = factories.open_task(s, case_id, "work").id
    before = snapshot(db, case_id)
    with pytest.raises(ScriptFailure, match="^gate: "):
        complete(db, settings, task_id, "anna", {})
    assert snapshot(db, case_id) == before
    with db.tx() as s:  # the service keeps serving
        assert (
            tasks.claim(s, task_id=task_id, actor=factories.actor(s, "anna")).assignee.login
            == "anna"
        )


def test_a_manager_assigns_a_task_only_to_a_caseworker_of_its_organisation(db, settings, case):
    _, task_id = case
    complete(db, settings, task_id, "anna", GUIDANCE)
    with db.tx() as s:
        interview = s.scalar(select(Task).where(Task.bpmn_id == "interview")).id
        maija = factories.actor(s, "maija")
        assert (
            tasks.assign(s, task_id=interview, assignee="veera", actor=maija).assignee.login
            == "veera"
        )
    with pytest.raises(NotPermitted, match="another organisation's queue"), db.tx() as s:
        tasks.assign(s, task_id=interview, assignee="anna", actor=factories.actor(s, "maija"))
    with pytest.raises(NotPermitted, match="manager"), db.tx() as s:
        tasks.assign(s, task_id=interview, assignee="ville", actor=factories.actor(s, "ville"))
    with pytest.raises(NotPermitted, match="claimed"):
        complete(db, settings, interview, "ville", {})


def test_releasing_puts_a_claimed_task_back_in_the_queue(db, settings, case):
    _, task_id = case
    with db.tx() as s:
        people.create_user(s, login="aino", organisation="barsby", roles=["caseworker"])
        tasks.claim(s, task_id=task_id, actor=factories.actor(s, "anna"))
    with pytest.raises(NotPermitted), db.tx() as s:
        tasks.release(s, task_id=task_id, actor=factories.actor(s, "aino"))
    with db.tx() as s:
        assert tasks.release(s, task_id=task_id, actor=factories.actor(s, "anna")).assignee is None
    complete(db, settings, task_id, "aino", GUIDANCE)
