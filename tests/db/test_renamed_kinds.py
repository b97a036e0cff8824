"""The ELY Centres became Economic Development Centres on 1.1.2026: the old kind code is
still read as the new kind, and the migration renames it in the data kept so far."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import text

from pathways.db import migrate
from pathways.organisation_kinds import OrganisationKind, kind_for_lane
from pathways.people import service as people
from pathways.people.actors import Actor
from pathways.processes import service as processes
from tests.model_xml import one_step

NEW = "economic_development_centre"


def test_the_old_code_and_lane_names_name_the_new_kind():
    assert OrganisationKind("ely_centre") is OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE
    for lane in (
        "ELY Centre",
        "ELY-keskus",
        "NTM-centralen",
        "Elinvoimakeskus",
        "Livskraftscentral",
    ):
        assert kind_for_lane(lane) is OrganisationKind.ECONOMIC_DEVELOPMENT_CENTRE


def test_an_organisation_created_with_the_old_code_gets_the_new_one(db):
    with db.tx() as s:
        made = people.create_organisation(s, code="west-edc", kind="ely_centre", name="West")
        assert made.kind == NEW


def _stored(db) -> tuple[str, list[str]]:
    """The organisation's kind and the version's kinds, as the database holds them."""
    with db.engine.connect() as connection:
        kind = connection.execute(text("SELECT kind FROM organisation")).scalar_one()
        kinds = connection.execute(text("SELECT kinds FROM process_version")).scalar_one()
    return kind, kinds if isinstance(kinds, list) else json.loads(kinds)


def test_the_migration_renames_the_code_in_kept_data_and_back(db, settings):
    with db.tx() as s:
        people.create_organisation(s, code="west-edc", kind=NEW, name="West")
        data = one_step(lane="Elinvoimakeskus")
        processes.deploy(s, data=data, actor=Actor.operator(), settings=settings)
    assert _stored(db) == (NEW, [NEW])
    config = migrate.alembic_config(db.url)
    command.downgrade(config, "0010_organisation_names")
    assert _stored(db) == ("ely_centre", ["ely_centre"])
    migrate.upgrade(db.url)
    assert _stored(db) == (NEW, [NEW])
