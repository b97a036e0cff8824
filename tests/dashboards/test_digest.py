"""The daily digest reaches each organisation's managers once a day, through a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from pathways.notifications import delivery, digest
from pathways.notifications.models import OutgoingMail


def run_digest(db, settings):
    """What the worker's daily job does: queue in one transaction, send after commit."""
    with db.tx() as s:
        queued = digest.queue_digests(s, settings=settings)
    return queued, delivery.deliver(db.engine, settings.smtp)


def test_each_organisations_managers_get_its_digest(db, mail_settings, load, mailbox):
    queued, sent = run_digest(db, mail_settings)
    assert queued == ["barsby", "ostby"]
    assert sent == 2
    [barsby] = mailbox.to("mona@barsby.example")
    [ostby] = mailbox.to("otto@ostby.example")
    assert "Barsby" in barsby["Subject"] and "Ostby" in ostby["Subject"]
    body = mailbox.text(barsby)
    assert "overdue" in body and "/tasks/" in body and "/dashboard?organisation=barsby" in body
    assert "C-" not in body  # no client references leave by mail


def test_a_second_run_the_same_day_sends_nothing(db, mail_settings, load, mailbox, frozen_clock):
    run_digest(db, mail_settings)
    frozen_clock.advance(timedelta(hours=2))
    assert run_digest(db, mail_settings) == ([], 0)
    assert len(mailbox.messages) == 2


def test_the_next_day_brings_the_next_digest(db, mail_settings, load, mailbox, frozen_clock):
    run_digest(db, mail_settings)
    frozen_clock.advance(timedelta(days=1))
    queued, sent = run_digest(db, mail_settings)
    assert (queued, sent) == (["barsby", "ostby"], 2)
    assert len(mailbox.to("mona@barsby.example")) == 2


def test_without_an_smtp_host_nothing_is_queued(db, settings, load, mailbox):
    assert run_digest(db, settings) == ([], 0)
    with db.tx() as s:
        assert s.scalar(select(func.count()).select_from(OutgoingMail)) == 0
    assert mailbox.messages == []


def test_mail_that_cannot_be_sent_waits_for_the_next_run(db, mail_settings, load, mailbox):
    unreachable = mail_settings.smtp.model_copy(
        update={"port": mailbox.port + 1 if mailbox.port < 65535 else 1}
    )
    with db.tx() as s:
        digest.queue_digests(s, settings=mail_settings)
    assert delivery.deliver(db.engine, unreachable) == 0
    with db.tx() as s:
        waiting = s.scalars(select(OutgoingMail)).all()
        assert all(m.sent_at is None and m.last_error for m in waiting)
    assert delivery.deliver(db.engine, mail_settings.smtp) == 2
    assert delivery.deliver(db.engine, mail_settings.smtp) == 0
