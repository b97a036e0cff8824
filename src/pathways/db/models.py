"""Every table, imported in one place for metadata consumers (alembic, tests)."""

from pathways.audit.models import AuditEvent
from pathways.cases.models import Client, ProcessInstance
from pathways.db.base import Base
from pathways.deadlines.models import ClosedDay, Timer
from pathways.people.models import ApiToken, Coverage, Organisation, User
from pathways.processes.models import ProcessModel, ProcessVersion
from pathways.tasks.models import Task

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Client",
    "ClosedDay",
    "Coverage",
    "Organisation",
    "ProcessInstance",
    "ProcessModel",
    "ProcessVersion",
    "Task",
    "Timer",
    "User",
]
