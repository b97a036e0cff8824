"""Many cases waiting on a timer, fast: one real case started through the services,
then copied with its engine state rewritten to each chosen due time.

The copies are real states: the model `timer_wait` waits on a timeDate read from the
case data, and the engine keeps that date as text in the state, so putting another
date in its place gives a case whose waiting timer is due then.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select

from pathways.cases.models import ProcessInstance
from pathways.db.session import transaction
from pathways.deadlines.models import Timer, TimerState
from pathways.settings import Settings
from tests import factories

PLACEHOLDER = "2099-01-01T00:00:00+00:00"


def seed_template(engine: Engine, settings: Settings) -> int:
    """The team, the `timer_wait` model and one case waiting until 2099."""
    with transaction(engine) as s:
        factories.team(s)
        factories.deploy(s, settings, "timer_wait")
        return factories.start(s, settings, "timer_wait", data={"due": PLACEHOLDER}).id


def clone_due(engine: Engine, template_id: int, due_times: Sequence[datetime]) -> list[int]:
    """One new case per due time, each with its waiting timer row; returns their ids."""
    with transaction(engine) as s:
        template = s.get(ProcessInstance, template_id)
        assert template is not None
        timer = s.scalar(select(Timer).where(Timer.instance_id == template_id))
        assert timer is not None and PLACEHOLDER in template.workflow_state
        ids = s.scalars(
            insert(ProcessInstance).returning(ProcessInstance.id, sort_by_parameter_order=True),
            [
                {
                    "version_id": template.version_id,
                    "client_id": template.client_id,
                    "team": template.team,
                    "state": template.state,
                    "started_at": template.started_at,
                    "started_by": template.started_by,
                    "workflow_state": template.workflow_state.replace(
                        PLACEHOLDER, due.astimezone(UTC).isoformat()
                    ),
                    "serializer_version": template.serializer_version,
                    "revision": 1,
                }
                for due in due_times
            ],
        ).all()
        s.execute(
            insert(Timer),
            [
                {
                    "instance_id": instance_id,
                    "spiff_task_id": timer.spiff_task_id,
                    "bpmn_id": timer.bpmn_id,
                    "attached_to": None,
                    "kind": timer.kind,
                    "due_at": due,
                    "state": TimerState.WAITING,
                    "attempts": 0,
                }
                for instance_id, due in zip(ids, due_times, strict=True)
            ],
        )
        return list(ids)
