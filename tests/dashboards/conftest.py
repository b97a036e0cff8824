"""Generated case load for the dashboard tests, built through the real services."""

from __future__ import annotations

import random
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.tasks import service as tasks
from tests import factories
from tests.model_xml import one_step


@pytest.fixture
def settings(settings):
    """The shared settings with a roomier script budget: the generated load starts many
    cases, and on a busy machine a 0.5 s wall-clock budget can run out in a timer
    expression. The budget is not what these tests are about."""
    return settings.model_copy(
        update={"sandbox": settings.sandbox.model_copy(update={"seconds": 5.0})}
    )


GUIDANCE = {"summary": "Explained the services", "jobseeker": True}
CASES = 24


@pytest.fixture
def load(db, settings, frozen_clock):
    """Two pathways, two regions, cases started over two weeks; some steps done, some late.

    Returns the moment the figures are read at (the frozen clock's time then)."""
    rng = random.Random(7)
    with db.tx() as s:
        factories.team(s)
        people.create_user(
            s, login="mona", organisation="barsby", roles=["manager"], email="mona@barsby.example"
        )
        people.create_user(
            s, login="otto", organisation="ostby", roles=["manager"], email="otto@ostby.example"
        )
        factories.deploy(s, settings, "handoff")
        processes.deploy(
            s,
            data=one_step(process_id="quick", due_in="PT30H"),
            actor=Actor.operator(),
            settings=settings,
        )
    for n in range(CASES):
        frozen_clock.advance(timedelta(hours=rng.randint(1, 14)))
        municipality = rng.choice(["barsby", "ostby"])
        model = rng.choice(["handoff", "handoff", "quick"])
        with db.tx() as s:
            instance = factories.start(
                s, settings, model, reference=f"C-{n}", municipality=municipality
            )
            case_id = instance.id
        if model == "handoff" and rng.random() < 0.4:
            frozen_clock.advance(timedelta(hours=rng.randint(1, 30)))
            worker = "anna" if municipality == "barsby" else "olli"
            with db.tx() as s:
                task = factories.open_task(s, case_id, "guidance")
                tasks.complete(
                    s,
                    task_id=task.id,
                    data=GUIDANCE,
                    actor=factories.actor(s, worker),
                    settings=settings,
                )
    frozen_clock.advance(timedelta(days=2))
    return frozen_clock.moment


@dataclass
class Mailbox:
    """What a real SMTP server on 127.0.0.1 received."""

    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    @staticmethod
    def text(message):
        return message.get_payload(decode=True).decode()

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox():
    box = Mailbox(free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port, ready_timeout=5)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def mail_settings(settings, mailbox):
    return settings.model_copy(
        update={
            "smtp": settings.smtp.model_copy(update={"host": "127.0.0.1", "port": mailbox.port})
        }
    )
