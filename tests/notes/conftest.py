"""A case whose team has a third-sector and an education-provider step, and an
attachments folder of its own per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pathways.settings import AttachmentSettings
from tests import factories
from tests.api.conftest import Api, seed
from tests.api.live import LiveServer

MAX_BYTES = 64 * 1024


@pytest.fixture
def settings(settings, tmp_path):
    files = AttachmentSettings(folder=tmp_path / "attachments", max_bytes=MAX_BYTES)
    return settings.model_copy(update={"attachments": files})


def start_case(db, settings) -> tuple[int, dict[str, int]]:
    """The case and its open steps by BPMN id (guidance, peer_support, course)."""
    with db.tx() as s:
        factories.deploy(s, settings, "notes_team")
        case = factories.start(s, settings, "notes_team", reference="N-1")
        steps = {
            b: factories.open_task(s, case.id, b).id for b in ("guidance", "peer_support", "course")
        }
        return case.id, steps


@pytest.fixture
def api(db, settings) -> Iterator[Api]:
    seed(db, settings)
    with LiveServer(settings) as server:
        client = Api(server, db, settings)
        yield client
        client.close()


@pytest.fixture
def case(api) -> tuple[int, dict[str, int]]:
    return start_case(api.db, api.settings)
