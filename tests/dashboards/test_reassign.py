"""A manager moves an absent caseworker's tasks in one action, audited task by task."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pathways.audit.models import AuditEvent
from pathways.errors import NotPermitted
from pathways.notifications import delivery
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.tasks import service as tasks
from pathways.tasks.models import Task
from tests import factories


@pytest.fixture
def absent(db, settings, load):
    """Anna holds three of Barsby's open tasks; Aino (with a mail address) is her colleague."""
    with db.tx() as s:
        people.create_user(
            s,
            login="aino",
            organisation="barsby",
            roles=["caseworker"],
            email="aino@barsby.example",
        )
        mona = factories.actor(s, "mona")
        queue = s.scalars(
            select(Task)
            .where(Task.state == "open", Task.organisation_id == mona.user.organisation_id)
            .order_by(Task.id)
        ).all()
        for task in queue[:3]:
            tasks.assign(s, task_id=task.id, assignee="anna", actor=mona)
        return [t.id for t in queue[:3]]


def holders(db, ids):
    with db.tx() as s:
        return [s.get(Task, i).assignee.login if s.get(Task, i).assignee else None for i in ids]


def test_a_manager_moves_every_open_task_to_a_colleague(db, mail_settings, absent, mailbox):
    with db.tx() as s:
        moved = tasks.reassign_all(
            s,
            from_login="anna",
            to_login="aino",
            actor=factories.actor(s, "mona"),
            settings=mail_settings,
        )
        assert sorted(t.id for t in moved) == absent
    assert holders(db, absent) == ["aino"] * 3
    with db.tx() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action.like("%reassigned"))).all()
    per_task = [e for e in events if e.action == "task.reassigned"]
    [summary] = [e for e in events if e.action == "tasks.reassigned"]
    assert sorted(e.task_id for e in per_task) == absent
    assert {(e.actor, e.details["from"], e.details["to"]) for e in per_task} == {
        ("mona", "anna", "aino")
    }
    assert summary.details == {"from": "anna", "to": "aino", "tasks": absent}
    assert delivery.deliver(db.engine, mail_settings.smtp) == 1
    [notice] = mailbox.to("aino@barsby.example")
    assert notice["Subject"] == "3 tasks assigned to you"


def test_tasks_go_back_to_the_queue_when_no_one_is_named(db, settings, absent):
    with db.tx() as s:
        tasks.reassign_all(
            s, from_login="anna", to_login=None, actor=factories.actor(s, "mona"), settings=settings
        )
    assert holders(db, absent) == [None] * 3
    with db.tx() as s:
        [summary] = s.scalars(select(AuditEvent).where(AuditEvent.action == "tasks.reassigned"))
        assert summary.details == {"from": "anna", "to": None, "tasks": absent}


@pytest.mark.parametrize(
    ("login", "why"),
    [
        ("otto", "manager of the caseworker's organisation"),
        ("anna", "manager"),
        ("admin", "manager"),
    ],
)
def test_only_a_manager_of_the_caseworkers_organisation_may(db, settings, absent, login, why):
    with db.tx() as s, pytest.raises(NotPermitted, match=why):
        tasks.reassign_all(
            s,
            from_login="anna",
            to_login="aino",
            actor=factories.actor(s, login),
            settings=settings,
        )
    with db.tx() as s, pytest.raises(NotPermitted):
        tasks.reassign_all(
            s, from_login="anna", to_login=None, actor=Actor.operator(), settings=settings
        )
    assert holders(db, absent) == ["anna"] * 3


def test_tasks_cannot_go_to_someone_of_another_organisation(db, settings, absent):
    with db.tx() as s, pytest.raises(NotPermitted, match="another organisation"):
        tasks.reassign_all(
            s,
            from_login="anna",
            to_login="olli",
            actor=factories.actor(s, "mona"),
            settings=settings,
        )
    assert holders(db, absent) == ["anna"] * 3


def test_assigning_one_task_tells_the_caseworker_after_commit(db, mail_settings, absent, mailbox):
    with db.tx() as s:
        tasks.assign(
            s,
            task_id=absent[0],
            assignee="aino",
            actor=factories.actor(s, "mona"),
            settings=mail_settings,
        )
    assert delivery.deliver(db.engine, mail_settings.smtp) == 1
    [notice] = mailbox.to("aino@barsby.example")
    assert notice["Subject"].startswith("Task assigned to you: ")
    assert f"/tasks/{absent[0]}" in mailbox.text(notice)


def test_an_assignment_rolled_back_sends_no_mail(db, mail_settings, absent, mailbox):
    with pytest.raises(RuntimeError), db.tx() as s:
        tasks.assign(
            s,
            task_id=absent[0],
            assignee="aino",
            actor=factories.actor(s, "mona"),
            settings=mail_settings,
        )
        raise RuntimeError("the request failed after the assignment")
    assert delivery.deliver(db.engine, mail_settings.smtp) == 0
    assert mailbox.messages == []
