"""Test data built through the real services: the demo team plus a second region."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import demo
from pathways.cases import service as cases
from pathways.cases.models import ProcessInstance
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskState

BPMN = Path(__file__).parent / "bpmn"
# argon2 checks a password at the cost written in its stored hash. Production's cost is
# ~0.3 s a check on a busy 2-core machine, paid at every test login; a hash made at
# argon2's least cost is checked by the same code path in milliseconds.
_QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@cache
def password_hash(password: str) -> str:
    """A real argon2 hash of `password`, cheap to make and to check, for seeded people."""
    return _QUICK_HASHER.hash(password)


def team(session: Session) -> None:
    """Barsby's team from the demo, and Ostby served by Eastland's organisations."""
    demo.load(session)
    people.create_organisation(session, code="ostby", kind="municipality", name="Ostby")
    people.create_organisation(
        session,
        code="eastland-ea",
        kind="employment_area",
        name="Eastland employment area",
        covers=["ostby"],
    )
    people.create_organisation(
        session,
        code="eastland-wbc",
        kind="wellbeing_county",
        name="Eastland county",
        covers=["ostby"],
    )
    people.create_user(session, login="olli", organisation="ostby", roles=["caseworker"])
    people.create_user(session, login="eero", organisation="eastland-ea", roles=["caseworker"])
    people.create_user(session, login="veera", organisation="westland-ea", roles=["caseworker"])


def deploy(session: Session, settings: Settings, name: str) -> None:
    data = (BPMN / f"{name}.bpmn").read_bytes()
    processes.deploy(session, data=data, actor=Actor.operator(), settings=settings)


def start(
    session: Session,
    settings: Settings,
    model: str,
    *,
    reference: str = "C-1",
    municipality: str = "barsby",
    data: dict[str, Any] | None = None,
    duplicate_confirmed: bool = False,
) -> ProcessInstance:
    return cases.start(
        session,
        model=model,
        client=cases.NewClient(reference, municipality, "ar", "fi"),
        data=data or {},
        actor=Actor.operator(),
        settings=settings,
        duplicate_confirmed=duplicate_confirmed,
    )


def open_task(session: Session, instance_id: int, bpmn_id: str) -> Task:
    task = session.scalar(
        select(Task).where(
            Task.instance_id == instance_id, Task.bpmn_id == bpmn_id, Task.state == TaskState.OPEN
        )
    )
    assert task is not None, f"no open task {bpmn_id} in case {instance_id}"
    return task


def actor(session: Session, login: str) -> Actor:
    return Actor.of(people.get_user(session, login))
