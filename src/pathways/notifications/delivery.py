"""Sending queued mail through SMTP, after commit and outside any transaction.

Like the timer poller, a sender leases the rows it takes (so several workers never
send the same message twice while it lives), sends, then marks them sent in a second
short transaction. A sender that dies leaves its lease to run out; the message goes
out on a later run (at least once, at most a few times, never lost). A message that
failed `MAX_ATTEMPTS` times stays with its last error for someone to look at.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import Engine, or_, select, update

from pathways import clock
from pathways.db.session import transaction
from pathways.notifications.models import OutgoingMail
from pathways.settings import SmtpSettings

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class _Letter:
    id: int
    recipient: str
    subject: str
    body: str


def deliver(engine: Engine, smtp: SmtpSettings, *, limit: int = 100) -> int:
    """Send up to `limit` queued messages; return how many went out."""
    if not smtp.enabled:
        return 0
    letters = _claim(engine, limit)
    if not letters:
        return 0
    sent: list[int] = []
    errors: dict[int, str] = {}
    try:
        with _connect(smtp) as server:
            for letter in letters:
                try:
                    server.send_message(_message(smtp, letter))
                    sent.append(letter.id)
                except smtplib.SMTPException as failure:
                    errors[letter.id] = str(failure)[:500]
    except (OSError, smtplib.SMTPException) as failure:
        errors.update({x.id: str(failure)[:500] for x in letters if x.id not in sent})
    _settle(engine, sent, errors)
    return len(sent)


def _claim(engine: Engine, limit: int) -> list[_Letter]:
    now = clock.now()
    with transaction(engine) as session:
        rows = session.scalars(
            select(OutgoingMail)
            .where(
                OutgoingMail.sent_at.is_(None),
                OutgoingMail.attempts < MAX_ATTEMPTS,
                or_(OutgoingMail.lease_until.is_(None), OutgoingMail.lease_until < now),
            )
            .order_by(OutgoingMail.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.lease_until = now + LEASE
            row.attempts += 1
        return [_Letter(r.id, r.recipient, r.subject, r.body) for r in rows]


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    assert smtp.host is not None
    server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    if smtp.starttls:
        server.starttls()
    if smtp.username and smtp.password is not None:
        server.login(smtp.username, smtp.password.get_secret_value())
    return server


def _message(smtp: SmtpSettings, letter: _Letter) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = letter.recipient
    message["Subject"] = letter.subject
    message.set_content(letter.body)
    return message


def _settle(engine: Engine, sent: list[int], errors: dict[int, str]) -> None:
    with transaction(engine) as session:
        if sent:
            session.execute(
                update(OutgoingMail)
                .where(OutgoingMail.id.in_(sent))
                .values(sent_at=clock.now(), lease_until=None, last_error=None)
            )
        for mail_id, error in errors.items():
            session.execute(
                update(OutgoingMail)
                .where(OutgoingMail.id == mail_id)
                .values(last_error=error, lease_until=None)
            )
