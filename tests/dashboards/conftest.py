"""Generated case load for the dashboard tests, built through the real services."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.tasks import service as tasks
from tests import factories
from tests.model_xml import one_step

GUIDANCE = {"summary": "Explained the services", "jobseeker": True}
CASES = 24


@pytest.fixture
def load(db, settings, frozen_clock):
    """Two pathways, two regions, cases started over two weeks; some steps done, some late.

    Returns the moment the figures are read at (the frozen clock's time then)."""
    rng = random.Random(7)
    with db.tx() as s:
        factories.team(s)
        people.create_user(s, login="mona", organisation="barsby", roles=["manager"])
        people.create_user(
            s, login="otto", organisation="ostby", roles=["manager"], email="otto@ostby.example"
        )
        factories.deploy(s, settings, "handoff")
        processes.deploy(
            s,
            data=one_step(process_id="quick", due_in="PT30H"),
            actor=Actor.operator(),
            settings=settings,
        )
    for n in range(CASES):
        frozen_clock.advance(timedelta(hours=rng.randint(1, 14)))
        municipality = rng.choice(["barsby", "ostby"])
        model = rng.choice(["handoff", "handoff", "quick"])
        with db.tx() as s:
            instance = factories.start(
                s, settings, model, reference=f"C-{n}", municipality=municipality
            )
            case_id = instance.id
        if model == "handoff" and rng.random() < 0.4:
            frozen_clock.advance(timedelta(hours=rng.randint(1, 30)))
            worker = "anna" if municipality == "barsby" else "olli"
            with db.tx() as s:
                task = factories.open_task(s, case_id, "guidance")
                tasks.complete(
                    s,
                    task_id=task.id,
                    data=GUIDANCE,
                    actor=factories.actor(s, worker),
                    settings=settings,
                )
    frozen_clock.advance(timedelta(days=2))
    return frozen_clock.moment
