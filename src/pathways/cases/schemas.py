"""A case as the API and `--json` show it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from pathways.cases.models import Client, ProcessInstance
from pathways.deadlines.models import Timer
from pathways.tasks.models import Task
from pathways.tasks.schemas import TaskOut


class ClientOut(BaseModel):
    reference: str
    municipality: str
    contact_language: str | None
    integration_language: str | None

    @classmethod
    def of(cls, client: Client) -> ClientOut:
        return cls(
            reference=client.reference,
            municipality=client.municipality,
            contact_language=client.contact_language,
            integration_language=client.integration_language,
        )


class TimerOut(BaseModel):
    id: int
    bpmn_id: str
    kind: str
    due_at: datetime
    state: str
    fired_at: datetime | None

    @classmethod
    def of(cls, timer: Timer) -> TimerOut:
        return cls(
            id=timer.id,
            bpmn_id=timer.bpmn_id,
            kind=timer.kind,
            due_at=timer.due_at,
            state=timer.state,
            fired_at=timer.fired_at,
        )


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
            client=ClientOut.of(instance.client),
            team=instance.team,
            started_at=instance.started_at,
            ended_at=instance.ended_at,
            tasks=[TaskOut.of(t) for t in tasks],
            timers=[TimerOut.of(t) for t in timers],
        )
