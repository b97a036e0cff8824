"""The case team's organisations are cached per process, and a change to organisations or
memberships, made anywhere, is seen by the next request; permissions never use the cache."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from pathways.errors import NotPermitted
from pathways.people import directory
from pathways.people import service as people
from pathways.tasks import service as tasks
from tests import factories
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("frozen_clock")

GUIDANCE = {"summary": "Explained the services", "jobseeker": True}


@pytest.fixture
def guidance(db, settings) -> Iterator[list[int]]:
    """Three hand-off cases in Barsby, each waiting for anna's guidance step; nothing
    cached yet."""
    with db.tx() as s:
        factories.team(s)
        factories.deploy(s, settings, "handoff")
        ids = [factories.start(s, settings, "handoff", reference=f"C-{n}").id for n in range(3)]
        waiting = [factories.open_task(s, i, "guidance").id for i in ids]
    directory.forget()
    yield waiting
    directory.forget()


def complete(db, settings, task_id: int, login: str = "anna"):
    with db.tx() as s:
        done = tasks.complete(
            s, task_id=task_id, data=GUIDANCE, actor=factories.actor(s, login), settings=settings
        )
        return [(t.bpmn_id, t.organisation.code, t.organisation.name) for t in done.opened]


@contextmanager
def statements(db) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def team_lookups(seen: list[str]) -> list[str]:
    """The statements that looked organisations up by code, as the team lookup does."""
    return [s for s in seen if "organisation.code IN" in s]


def test_a_hand_off_after_the_first_finds_the_team_without_reading_organisations(
    db, settings, guidance
):
    first, second, _ = guidance
    with statements(db) as seen:
        assert complete(db, settings, first) == [
            ("interview", "westland-ea", "Westland employment area")
        ]
    assert team_lookups(seen)
    with statements(db) as seen:
        assert complete(db, settings, second) == [
            ("interview", "westland-ea", "Westland employment area")
        ]
    assert team_lookups(seen) == []


def test_a_change_made_by_another_process_is_seen_by_the_next_hand_off(db, settings, guidance):
    first, second, _ = guidance
    complete(db, settings, first)  # the cache now holds Westland's employment area
    renamed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pathways.db.session import engine_for, transaction\n"
            "from pathways.people import service as people\n"
            f"with transaction(engine_for({db.url!r})) as s:\n"
            "    people.update_organisation(s, code='westland-ea', kind='employment_area',"
            " name='Westland TE services', covers=['barsby'])\n",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert renamed.returncode == 0, renamed.stderr
    assert complete(db, settings, second) == [("interview", "westland-ea", "Westland TE services")]


def test_every_change_to_organisations_or_memberships_changes_the_stamp(db, guidance):
    del guidance

    def stamp() -> str | None:
        with db.tx() as s:
            return directory.read_stamp(s)

    changes = [
        lambda s: people.create_organisation(s, code="norby", kind="municipality", name="Norby"),
        lambda s: people.update_organisation(
            s, code="westland-ea", kind="employment_area", name="W", covers=["barsby", "norby"]
        ),
        lambda s: people.create_user(s, login="nina", organisation="norby", roles=["caseworker"]),
        lambda s: people.change_user(s, login="nina", organisation="barsby"),
        lambda s: people.change_user(s, login="nina", roles=["manager"]),
        lambda s: people.set_active(s, login="nina", active=False),
    ]
    for change in changes:
        before = stamp()
        with db.tx() as s:
            change(s)
        assert stamp() != before
    before = stamp()
    with db.tx() as s:
        people.change_user(s, login="nina", name="Nina Nieminen")
        people.set_password(s, login="nina", password="a long enough password")
    assert stamp() == before  # nothing the team lookup or a permission depends on


def test_a_change_that_is_rolled_back_leaves_the_stamp_and_the_cache_in_use(db, settings, guidance):
    first, second, _ = guidance
    complete(db, settings, first)
    with db.tx() as s:
        before = directory.read_stamp(s)
    with pytest.raises(RuntimeError), db.tx() as s:
        people.update_organisation(
            s, code="westland-ea", kind="employment_area", name="Never", covers=["barsby"]
        )
        raise RuntimeError("the request failed after the change")
    with db.tx() as s:
        assert directory.read_stamp(s) == before
    assert complete(db, settings, second) == [
        ("interview", "westland-ea", "Westland employment area")
    ]


def test_a_person_moved_out_of_the_organisation_is_refused_at_once(db, settings, guidance):
    first, second, third = guidance
    complete(db, settings, first)  # warm: anna's organisation and the team are cached
    with db.tx() as s:
        people.change_user(s, login="anna", organisation="ostby")
    with pytest.raises(NotPermitted):
        complete(db, settings, second)
    with db.tx() as s:
        people.change_user(s, login="anna", organisation="barsby")
        people.set_active(s, login="anna", active=False)
    with pytest.raises(NotPermitted):
        complete(db, settings, third)
