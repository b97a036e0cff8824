"""Every table, imported in one place for metadata consumers (alembic, tests)."""

from pathways.audit.models import AuditEvent
from pathways.cases.models import Client, ProcessInstance
from pathways.dashboards.models import DashboardSnapshot
from pathways.db.base import Base
from pathways.deadlines.models import ClosedDay, Timer
from pathways.idempotency.models import IdempotentRequest
from pathways.incidents.models import Incident
from pathways.notes.models import Attachment, Note
from pathways.notifications.models import DigestSent, OutgoingMail
from pathways.people.models import (
    ApiToken,
    Coverage,
    DirectoryGeneration,
    LoginFailure,
    LoginSession,
    Organisation,
    User,
)
from pathways.processes.models import ProcessDecision, ProcessModel, ProcessVersion
from pathways.record.models import Consent, RecordCorrection, RecordEntry, StepReopening
from pathways.tasks.models import Task, TaskCount, TaskDraft

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Base",
    "Client",
    "Consent",
    "ClosedDay",
    "Coverage",
    "DirectoryGeneration",
    "IdempotentRequest",
    "Incident",
    "LoginFailure",
    "LoginSession",
    "Note",
    "DashboardSnapshot",
    "DigestSent",
    "Organisation",
    "OutgoingMail",
    "ProcessInstance",
    "ProcessDecision",
    "ProcessModel",
    "ProcessVersion",
    "RecordCorrection",
    "RecordEntry",
    "StepReopening",
    "Task",
    "TaskCount",
    "TaskDraft",
    "Timer",
    "User",
]
