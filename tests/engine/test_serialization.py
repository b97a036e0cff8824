"""The workflow state as JSON: what goes in comes back, whichever codec wrote it."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from pathways import clock
from tests.engine.test_runtime import model

ODD = {
    "met_on": datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
    "allowed": timedelta(days=3, seconds=7),
    "huge": 2**70,
    "negative_huge": -(2**63) - 1,
    "price": 0.1,
    "names": ["Äijä", "Åsa", "صباح"],
    "nested": {"deep": [{"n": 1}, None, True]},
}
TYPICAL = {k: v for k, v in ODD.items() if "huge" not in k}


@pytest.fixture
def monday():
    with clock.frozen(datetime(2026, 11, 23, 7, 0, tzinfo=UTC)) as frozen:
        yield frozen


def test_datetimes_timedeltas_and_big_numbers_come_back_as_they_were(monday):
    handoff = model("handoff")
    started = handoff.start(ODD)
    restored = handoff.load(started.state, started.serializer_version)
    assert restored.task_tree.data == ODD
    assert type(restored.task_tree.data["huge"]) is int


def test_a_state_written_by_the_standard_library_loads_the_same(monday):
    handoff = model("handoff")
    started = handoff.start(TYPICAL)
    # What the earlier writer produced: ASCII escapes, spaces after separators.
    old_text = json.dumps(json.loads(started.state))
    assert old_text != started.state
    restored = handoff.load(old_text, started.serializer_version)
    assert restored.task_tree.data == TYPICAL


def test_a_state_holding_nan_written_earlier_still_loads(monday):
    handoff = model("handoff")
    started = handoff.start({"score": 1.5})
    old_text = json.dumps(json.loads(started.state)).replace('"score": 1.5', '"score": NaN')
    restored = handoff.load(old_text, started.serializer_version)
    assert math.isnan(restored.task_tree.data["score"])


def test_a_case_with_odd_values_runs_on_across_saves(monday):
    handoff = model("handoff")
    started = handoff.start({"ids": {3, 1}, "keyed": {1: "one"}})
    (guidance,) = started.open_tasks
    after = handoff.complete(
        started.state, started.serializer_version, guidance.spiff_id, {"summary": "met"}
    )
    restored = handoff.load(after.state, after.serializer_version)
    data = restored.task_tree.data
    assert sorted(data["ids"]) == [1, 3]  # a set comes back as a list, as before
    assert data["keyed"] == {"1": "one"}
