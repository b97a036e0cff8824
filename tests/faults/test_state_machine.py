"""Random sequences of start, claim, release, complete, message, timer and cancel, driven
through the services on a frozen clock that only moves forward. After every step: no task is
completed twice, every case is in exactly one place, and the timer rows match the timers the
engine waits on."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck
from hypothesis import settings as budget
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select
from tests import factories

from pathways.audit.models import AuditEvent
from pathways.cases import service as cases
from pathways.cases.models import InstanceState, ProcessInstance
from pathways.deadlines.firing import fire_due
from pathways.deadlines.models import Timer, TimerState
from pathways.errors import PathwaysError
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.tasks import service as tasks
from pathways.tasks.models import Task, TaskState

FORM_DATA = {"summary": "Met the client", "jobseeker": True}
# Who works in each organisation of the demo team.
CASEWORKER = {"barsby": "anna", "westland-ea": "ville"}
references = itertools.count()


class Pathways(RuleBasedStateMachine):
    db = None
    settings = None
    clock = None

    def __init__(self) -> None:
        super().__init__()
        self.cases: list[int] = []
        self.completed: set[int] = set()

    def tx(self):
        return self.db.tx()

    def open_tasks(self) -> list[Task]:
        with self.tx() as s:
            return list(
                s.scalars(
                    select(Task)
                    .where(Task.instance_id.in_(self.cases), Task.state == TaskState.OPEN)
                    .order_by(Task.id)
                )
            )

    def worker_of(self, s, task: Task) -> Actor:
        return factories.actor(s, CASEWORKER[task.organisation.code])

    @rule(model=st.sampled_from(["handoff", "moved"]))
    def start(self, model: str) -> None:
        with self.tx() as s:
            case = factories.start(s, self.settings, model, reference=f"S-{next(references)}")
            self.cases.append(case.id)

    @rule(pick=st.integers(min_value=0), data=st.booleans())
    def claim_or_release(self, pick: int, data: bool) -> None:
        open_now = self.open_tasks()
        if not open_now:
            return
        task_id = open_now[pick % len(open_now)].id
        with self.tx() as s:
            task = tasks.get(s, task_id)
            action = tasks.claim if data else tasks.release
            action(s, task_id=task_id, actor=self.worker_of(s, task))

    @rule(pick=st.integers(min_value=0))
    def complete(self, pick: int) -> None:
        open_now = self.open_tasks()
        if not open_now:
            return
        task_id = open_now[pick % len(open_now)].id
        with self.tx() as s:
            task = tasks.get(s, task_id)
            data = FORM_DATA if task.form else {}
            tasks.complete(
                s, task_id=task_id, data=data, actor=self.worker_of(s, task), settings=self.settings
            )
        self.completed.add(task_id)

    @rule(pick=st.integers(min_value=0))
    def complete_again(self, pick: int) -> None:
        """Completing a completed task is refused and changes nothing."""
        if not self.completed:
            return
        task_id = sorted(self.completed)[pick % len(self.completed)]
        try:
            with self.tx() as s:
                task = tasks.get(s, task_id)
                tasks.complete(
                    s,
                    task_id=task_id,
                    data=FORM_DATA,
                    actor=self.worker_of(s, task),
                    settings=self.settings,
                )
        except PathwaysError:
            return
        raise AssertionError(f"task {task_id} was completed a second time")

    @rule(pick=st.integers(min_value=0))
    def message(self, pick: int) -> None:
        if not self.cases:
            return
        case_id = self.cases[pick % len(self.cases)]
        try:
            with self.tx() as s:
                cases.deliver_message(
                    s,
                    instance_id=case_id,
                    name="registered_as_jobseeker",
                    payload={"registered": True},
                    actor=Actor.operator(),
                    settings=self.settings,
                )
        except PathwaysError:
            pass  # nobody in that case waits for it (any more): refused, nothing changed

    @rule(days=st.integers(min_value=0, max_value=4))
    def time_passes_and_timers_fire(self, days: int) -> None:
        self.clock.advance(timedelta(days=days, seconds=1))
        for case_id in self.cases:
            with self.tx() as s:
                fire_due(s, instance_id=case_id, settings=self.settings)

    @rule(pick=st.integers(min_value=0))
    def cancel(self, pick: int) -> None:
        if not self.cases:
            return
        case_id = self.cases[pick % len(self.cases)]
        try:
            with self.tx() as s:
                cases.cancel(s, instance_id=case_id, actor=Actor.operator(), settings=self.settings)
        except PathwaysError:
            pass  # no longer running

    @invariant()
    def no_task_is_completed_twice(self) -> None:
        with self.tx() as s:
            twice = s.execute(
                select(AuditEvent.task_id)
                .where(AuditEvent.action == "task.completed")
                .group_by(AuditEvent.task_id)
                .having(func.count() > 1)
            ).all()
        assert twice == []

    @invariant()
    def every_case_is_in_exactly_one_place(self) -> None:
        with self.tx() as s:
            for case_id in self.cases:
                case = s.get(ProcessInstance, case_id)
                rows = s.scalars(select(Task).where(Task.instance_id == case_id)).all()
                open_steps = [t.bpmn_id for t in rows if t.state == TaskState.OPEN]
                assert len(open_steps) == len(set(open_steps)), open_steps
                if case.state == InstanceState.RUNNING:
                    assert open_steps, f"running case {case_id} is in nobody's queue"
                else:
                    assert not open_steps, f"{case.state} case {case_id} still has {open_steps}"

    @invariant()
    def timer_rows_match_the_engines_waits(self) -> None:
        with self.tx() as s:
            for case_id in self.cases:
                case = s.get(ProcessInstance, case_id)
                waiting = set(
                    s.scalars(
                        select(Timer.spiff_task_id).where(
                            Timer.instance_id == case_id, Timer.state == TimerState.WAITING
                        )
                    )
                )
                if case.state != InstanceState.RUNNING:
                    assert waiting == set()
                    continue
                pathway = processes.pathway_for(case.version, self.settings)
                engine = pathway.fire_timers(case.workflow_state, case.serializer_version)
                expected = {t.spiff_id for t in engine.timers} | set(engine.fired_timers)
                assert waiting == expected


def test_random_work_on_cases_keeps_every_invariant(db, settings, frozen_clock):
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "handoff")
        factories.deploy(s, settings, "moved")
    Pathways.db, Pathways.settings, Pathways.clock = db, settings, frozen_clock
    run_state_machine_as_test(Pathways, settings=BUDGET)


BUDGET = budget(
    max_examples=15,
    stateful_step_count=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
