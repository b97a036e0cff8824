"""Task as the API and `--json` show it: a flat object."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pathways import clock
from pathways.cases.models import ProcessInstance
from pathways.deadlines.status import DeadlineStatus, status_of
from pathways.settings import DeadlineSettings
from pathways.tasks.models import Task, TaskState

_DEFAULT_WINDOW = DeadlineSettings().at_risk_window


class TaskOut(BaseModel):
    id: int
    instance_id: int
    bpmn_id: str
    name: str
    lane: str | None
    organisation: str | None
    state: str
    assignee: str | None
    form: str | None
    created_at: datetime
    due_at: datetime | None
    overdue: bool
    deadline: DeadlineStatus
    completed_at: datetime | None
    completed_by: str | None

    @classmethod
    def of(cls, task: Task, *, at_risk_window: timedelta | None = None) -> TaskOut:
        """The task as shown; `at_risk_window` from settings (default: the settings' default)."""
        window = _DEFAULT_WINDOW if at_risk_window is None else at_risk_window
        return cls(
            id=task.id,
            instance_id=task.instance_id,
            bpmn_id=task.bpmn_id,
            name=task.name,
            lane=task.lane,
            organisation=task.organisation.code if task.organisation else None,
            state=task.state,
            assignee=task.assignee.login if task.assignee else None,
            form=task.form,
            created_at=task.created_at,
            due_at=task.due_at,
            overdue=is_overdue(task),
            deadline=status_of(
                due_at=task.due_at,
                is_open=task.state == TaskState.OPEN,
                now=clock.now(),
                window=window,
            ),
            completed_at=task.completed_at,
            completed_by=task.completed_by.login if task.completed_by else None,
        )


def is_overdue(task: Task) -> bool:
    return task.state == TaskState.OPEN and task.due_at is not None and task.due_at < clock.now()


class TaskClientOut(BaseModel):
    """The client's essentials, as a caseworker needs them for the step."""

    reference: str
    municipality: str
    contact_language: str | None
    integration_language: str | None


class TaskDetailOut(TaskOut):
    model: str
    version: int
    documentation: str | None
    form_schema: dict[str, Any] | None
    ui_schema: dict[str, Any] | None
    client: TaskClientOut

    @classmethod
    def detail(cls, task: Task, instance: ProcessInstance) -> TaskDetailOut:
        forms = instance.version.forms
        client = instance.client
        return cls(
            **TaskOut.of(task).model_dump(),
            model=instance.version.model.key,
            version=instance.version.number,
            documentation=task.documentation,
            form_schema=forms.get(task.form) if task.form else None,
            ui_schema=forms.get(task.ui_form) if task.ui_form else None,
            client=TaskClientOut(
                reference=client.reference,
                municipality=client.municipality,
                contact_language=client.contact_language,
                integration_language=client.integration_language,
            ),
        )


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: str = Field(max_length=64, description="login of a caseworker of the organisation")


class CompleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: dict[str, Any] = Field(default_factory=dict, description="the step's form data")


class CompletionOut(BaseModel):
    task: TaskOut
    opened: list[TaskOut] = Field(description="the tasks the case moved on to (the hand-off)")
    case_finished: bool
