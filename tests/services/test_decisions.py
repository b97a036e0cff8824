"""Decision tables are deployed with the model that calls them and stay with its version.

A later model reuses a deployed decision by id; a new edition of a table changes what
new versions decide and leaves the cases of older versions on the tables they started with.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from pathways.cases.models import ProcessInstance
from pathways.errors import InvalidModel
from pathways.people.actors import Actor
from pathways.processes import service as processes
from pathways.processes.models import ProcessDecision
from tests import factories

pytestmark = pytest.mark.usefixtures("frozen_clock")

TESTS = Path(__file__).parents[1]
MODEL = (TESTS / "bpmn" / "decide.bpmn").read_bytes()
TABLES = {p.name: p.read_bytes() for p in sorted((TESTS / "dmn").glob("*.dmn"))}


def tables(**replaced: bytes) -> list[processes.DecisionFile]:
    chosen = {**TABLES, **{f"{name}.dmn": data for name, data in replaced.items()}}
    return [processes.decision_file(name, data) for name, data in chosen.items()]


def deploy(session, settings, decisions, data: bytes = MODEL, **options):
    return processes.deploy(
        session,
        data=data,
        actor=Actor.operator(),
        settings=settings,
        decisions=decisions,
        **options,
    )


def decided(session, instance_id: int, settings) -> dict:
    instance = session.get(ProcessInstance, instance_id)
    pathway = processes.pathway_for(instance.version, settings)
    workflow = pathway.load(instance.workflow_state, instance.serializer_version)
    (review,) = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "review"]
    return dict(review.data)


@pytest.fixture
def team(db):
    with db.tx() as s:
        factories.team(s)
    return db


def test_a_version_keeps_the_decision_files_it_was_deployed_with(team, settings):
    with team.tx() as s:
        (done,) = deploy(s, settings, tables())
        version = processes.get_version(s, "decide", done.version)
        stored = {d.decision_id: (d.file_name, d.dmn_xml.encode()) for d in version.decisions}
    assert stored == {
        "collect_offices": ("collect_offices.dmn", TABLES["collect_offices.dmn"]),
        "first_service": ("first_service.dmn", TABLES["first_service.dmn"]),
        "support_level": ("support_level.dmn", TABLES["support_level.dmn"]),
    }


def test_deploying_the_same_model_and_tables_again_changes_nothing(team, settings):
    with team.tx() as s:
        (first,) = deploy(s, settings, tables())
        (again,) = deploy(s, settings, list(reversed(tables())))
    assert first.created and not again.created and again.version == first.version


def test_a_missing_decision_is_refused_and_nothing_is_stored(team, settings):
    with team.tx() as s, pytest.raises(InvalidModel) as refused:
        deploy(s, settings, tables()[1:])
    assert refused.value.problems[0].element_id == "offices"
    with team.tx() as s:
        assert s.scalar(select(ProcessDecision)) is None


def test_a_later_model_reuses_a_deployed_decision_and_keeps_its_own_copy(team, settings):
    with team.tx() as s:
        deploy(s, settings, tables())
    reuse = MODEL.replace(b'id="decide"', b'id="decide_again"')
    with team.tx() as s:
        (done,) = deploy(s, settings, [], reuse)
        version = processes.get_version(s, "decide_again", done.version)
        assert sorted(d.decision_id for d in version.decisions) == sorted(
            ["collect_offices", "first_service", "support_level"]
        )


def test_a_new_edition_of_a_table_leaves_running_cases_on_the_old_one(team, settings):
    changed = TABLES["support_level.dmn"].replace(b'"youth"', b'"young person"')
    with team.tx() as s:
        deploy(s, settings, tables())
        first = factories.start(
            s, settings, "decide", data={"age": 16, "language": "fi", "jobseeker": False}
        ).id
    with team.tx() as s:
        (second_version,) = deploy(s, settings, tables(support_level=changed))
        second = factories.start(
            s,
            settings,
            "decide",
            reference="C-2",
            data={"age": 16, "language": "fi", "jobseeker": False},
        ).id
    with team.tx() as s:
        assert decided(s, first, settings)["level"] == "youth"
        assert decided(s, second, settings)["level"] == "young person"
        assert s.get(ProcessInstance, second).version.number == second_version.version


def test_saving_the_model_without_files_keeps_the_tables_of_its_latest_version(team, settings):
    with team.tx() as s:
        deploy(s, settings, tables(), draft=True)
    renamed = MODEL.replace(b'name="Review the decision"', b'name="Check the decision"')
    with team.tx() as s:
        (done,) = deploy(s, settings, None, renamed, key="decide", draft=True)
        version = processes.get_version(s, "decide", done.version)
        assert len(version.decisions) == 3
        assert processes.problems_of(s, version=version, settings=settings) == []
