"""A case as the API and `--json` show it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from pathways.cases.models import ProcessInstance
from pathways.deadlines.models import Timer
from pathways.tasks.models import Task
from pathways.tasks.schemas import TaskOut


class ClientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    reference: str
    municipality: str
    contact_language: str | None
    integration_language: str | None


class TimerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    bpmn_id: str
    kind: str
    due_at: datetime
    state: str
    fired_at: datetime | None


class InstanceOut(BaseModel):
    id: int
    model: str
    version: int
    state: str
    client: ClientOut
    team: dict[str, str]
    started_at: datetime
    ended_at: datetime | None
    tasks: list[TaskOut]
    timers: list[TimerOut]

    @classmethod
    def of(cls, instance: ProcessInstance, tasks: list[Task], timers: list[Timer]) -> InstanceOut:
        return cls(
            id=instance.id,
            model=instance.version.model.key,
            version=instance.version.number,
            state=instance.state,
            client=ClientOut.model_validate(instance.client),
            team=instance.team,
            started_at=instance.started_at,
            ended_at=instance.ended_at,
            tasks=[TaskOut.of(t) for t in tasks],
            timers=[TimerOut.model_validate(t) for t in timers],
        )
