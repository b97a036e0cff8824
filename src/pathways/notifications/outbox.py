"""Queueing mail in the caller's transaction: it is sent only if that transaction commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pathways import clock
from pathways.notifications.models import OutgoingMail
from pathways.people.models import User
from pathways.settings import SmtpSettings
from pathways.tasks.models import Task


def _one_line(text: str, limit: int) -> str:
    # Header values with line breaks are refused by the mail library (header injection).
    return " ".join(text.split())[:limit]


def queue(session: Session, *, kind: str, recipient: str, subject: str, body: str) -> OutgoingMail:
    mail = OutgoingMail(
        kind=kind,
        recipient=_one_line(recipient, 254),
        subject=_one_line(subject, 200),
        body=body,
        created_at=clock.now(),
        attempts=0,
    )
    session.add(mail)
    return mail


def queue_assignment_notice(
    session: Session, *, tasks: list[Task], assignee: User, smtp: SmtpSettings | None
) -> OutgoingMail | None:
    """Tell a caseworker that tasks were handed to them (nothing if mail is off or no address)."""
    if smtp is None or not smtp.enabled or not assignee.email or not tasks:
        return None
    base = smtp.base_url.rstrip("/")
    lines = [f"- {task.name} (case {task.instance_id}): {base}/tasks/{task.id}" for task in tasks]
    subject = (
        f"Task assigned to you: {tasks[0].name}"
        if len(tasks) == 1
        else f"{len(tasks)} tasks assigned to you"
    )
    body = "\n".join(
        [f"Hello {assignee.name},", "", "These tasks are now yours in Pathways:", *lines, ""]
    )
    return queue(session, kind="assignment", recipient=assignee.email, subject=subject, body=body)
