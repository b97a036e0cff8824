"""The crash points the fault tests use cannot be switched on by accident."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pathways.edge.faults import crash_point
from pathways.settings import FaultSettings, Settings


def test_a_crash_point_outside_tests_and_demo_is_refused():
    with pytest.raises(ValidationError, match="PATHWAYS_FAULT__TESTING"):
        Settings(fault=FaultSettings(kill_at="after_commit"))


def test_a_crash_point_is_accepted_when_tests_ask_for_it():
    settings = Settings(fault=FaultSettings(kill_at="after_commit", testing=True))
    assert settings.fault.kill_at == "after_commit"


def test_without_a_crash_point_the_process_carries_on():
    crash_point(Settings(), "before_commit")
    crash_point(
        Settings(fault=FaultSettings(kill_at="after_commit", testing=True)), "before_commit"
    )
