"""A case puts each step in the queue its validation promised: steps drawn in no lane
go to the model's default organisation, steps of an embedded subprocess to the
organisation of the subprocess's lane (named here in Finnish and Swedish)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pathways.tasks.models import Task
from pathways.tasks.service import complete
from tests import factories

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def ready(db, settings):
    with db.tx() as s:
        factories.team(s)
        for name in ("default_organisation", "embedded_lanes"):
            factories.deploy(s, settings, name)
    return db


def steps(session, case_id):
    rows = session.scalars(select(Task).where(Task.instance_id == case_id).order_by(Task.id))
    return [(t.bpmn_id, t.lane, t.organisation.code, t.state) for t in rows]


def test_steps_in_no_lane_wait_in_the_default_organisation_of_the_client(ready, settings):
    with ready.tx() as s:
        case_id = factories.start(s, settings, "no_lanes", municipality="ostby").id
    with ready.tx() as s:
        assert steps(s, case_id) == [("interview", "Employment area", "eastland-ea", "open")]
        task = factories.open_task(s, case_id, "interview")
        complete(s, task_id=task.id, data={}, actor=factories.actor(s, "eero"), settings=settings)
    with ready.tx() as s:
        assert steps(s, case_id)[-1] == (
            "discussion",
            "Employment area",
            "eastland-ea",
            "open",
        )


def test_a_step_inside_an_embedded_subprocess_waits_in_the_subprocess_lane(ready, settings):
    with ready.tx() as s:
        case_id = factories.start(s, settings, "embedded_lanes", municipality="ostby").id
    with ready.tx() as s:
        (guidance,) = steps(s, case_id)
        assert guidance == ("guidance", "Kunta", "ostby", "open")
        task = factories.open_task(s, case_id, "guidance")
        complete(s, task_id=task.id, data={}, actor=factories.actor(s, "olli"), settings=settings)
    with ready.tx() as s:
        assert steps(s, case_id)[-1] == ("assess", "Välfärdsområde", "eastland-wbc", "open")
