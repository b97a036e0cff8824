"""A case as the API and `--json` show it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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
    moved_from: int | None = Field(
        default=None, description="the case this one continues after the client moved here"
    )
    moved_to: int | None = Field(
        default=None, description="the case opened where the client moved; this one ended"
    )

    @classmethod
    def of(
        cls,
        instance: ProcessInstance,
        tasks: list[Task],
        timers: list[Timer],
        moved_to: int | None = None,
    ) -> InstanceOut:
        return cls(
            id=instance.id,
            moved_from=instance.moved_from_id,
            moved_to=moved_to,
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


class ClientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(max_length=64, description="a pseudonymous reference, never a name")
    municipality: str = Field(max_length=64, description="code of the client's municipality")
    contact_language: str | None = Field(default=None, max_length=3)
    integration_language: str | None = Field(default=None, max_length=3)


class InstanceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(max_length=128, description="the pathway's key, e.g. jobseeker")
    client: ClientIn
    data: dict[str, Any] = Field(default_factory=dict)
    team: dict[str, str] | None = Field(
        default=None, description="organisation kind → organisation code, to name the team"
    )
    duplicate: Literal["confirmed"] | None = Field(
        default=None,
        description='"confirmed" starts a second running case of the pathway for the client',
    )


class TimelineEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str | None
    action: str
    task_id: int | None
    details: dict[str, Any]


class CaseOut(InstanceOut):
    """A case with what was done to it so far."""

    timeline: list[TimelineEntryOut]


class MessageDelivered(BaseModel):
    instance_id: int
    message: str
    opened: list[TaskOut]
    moved_to: int | None = Field(
        default=None, description="moved_away: the case opened in the new municipality"
    )


class OpenStepOut(BaseModel):
    task_id: int
    bpmn_id: str
    name: str
    organisation: str | None


class CaseSummaryOut(BaseModel):
    """One case in a list: who it is for, where it stands, what is open."""

    id: int
    model: str
    model_name: str
    version: int
    state: str
    client: str
    municipality: str
    started_at: datetime
    ended_at: datetime | None
    open_steps: list[OpenStepOut]

    @classmethod
    def of(cls, instance: ProcessInstance, open_tasks: list[Task]) -> CaseSummaryOut:
        return cls(
            id=instance.id,
            model=instance.version.model.key,
            model_name=instance.version.model.name,
            version=instance.version.number,
            state=instance.state,
            client=instance.client.reference,
            municipality=instance.client.municipality,
            started_at=instance.started_at,
            ended_at=instance.ended_at,
            open_steps=[
                OpenStepOut(
                    task_id=t.id,
                    bpmn_id=t.bpmn_id,
                    name=t.name,
                    organisation=t.organisation.code if t.organisation else None,
                )
                for t in open_tasks
            ],
        )


class CaseListOut(BaseModel):
    """One page of cases and how many match in all."""

    total: int
    limit: int
    offset: int
    items: list[CaseSummaryOut]


class ClientCasesOut(BaseModel):
    reference: str
    municipality: str
    cases: list[CaseSummaryOut]


_ENVELOPE = frozenset({"correlation", "payload"})


def split_message_body(body: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(correlation, payload) of a message body.

    A body `{"correlation": {...}, "payload": {...}}` (payload optional) carries both;
    any other body is the payload itself, as before correlation existed.
    """
    correlation = body.get("correlation")
    inner = body.get("payload", {})
    if isinstance(correlation, dict) and isinstance(inner, dict) and set(body) <= _ENVELOPE:
        return correlation, inner
    return None, body
