"""Every table, imported in one place for metadata consumers (alembic, tests)."""

from pathways.audit.models import AuditEvent
from pathways.cases.models import Client, ProcessInstance
from pathways.dashboards.models import DashboardSnapshot
from pathways.db.base import Base
from pathways.deadlines.models import ClosedDay, Timer
from pathways.idempotency.models import IdempotentRequest
from pathways.notifications.models import DigestSent, OutgoingMail
from pathways.people.models import (
    ApiToken,
    Coverage,
    LoginFailure,
    LoginSession,
    Organisation,
    User,
)
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.tasks.models import Task, TaskCount, TaskDraft

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Client",
    "ClosedDay",
    "Coverage",
    "IdempotentRequest",
    "LoginFailure",
    "LoginSession",
    "DashboardSnapshot",
    "DigestSent",
    "Organisation",
    "OutgoingMail",
    "ProcessInstance",
    "ProcessModel",
    "ProcessVersion",
    "Task",
    "TaskCount",
    "TaskDraft",
    "Timer",
    "User",
]
