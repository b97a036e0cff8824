"""Settings from `PATHWAYS_*` variables, built once by `get_settings()`.

Nested groups read `PATHWAYS_<GROUP>__<FIELD>`, e.g. `PATHWAYS_SANDBOX__SECONDS`.
Nothing here touches the environment at import time.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SandboxSettings(BaseModel):
    """Budgets for scripts and expressions found in models."""

    seconds: float = Field(default=1.0, gt=0, le=60)
    max_size: int = Field(
        default=1_000_000, gt=0, description="largest str/list/int a script may build"
    )


class DeadlineSettings(BaseModel):
    """When a task counts as at risk, and how the timer poller runs."""

    at_risk_hours: float = Field(
        default=48, ge=0, description="an open task due within this many hours is at risk"
    )

    poller_in_serve: bool = Field(
        default=True, description="run the timer poller inside `pathways serve`"
    )
    tick_seconds: float = Field(
        default=5, gt=0, le=3600, description="the poller looks for due timers at least this often"
    )
    batch_size: int = Field(default=100, gt=0, le=10_000, description="timers claimed at a time")
    lease_seconds: float = Field(
        default=60, gt=0, description="a claimed timer is another poller's to take after this"
    )
    backoff_seconds: float = Field(
        default=5, gt=0, description="wait after a timer's first failed firing; doubles each time"
    )
    max_backoff_seconds: float = Field(default=3600, gt=0)
    closed_days: list[date] = Field(
        default_factory=list,
        description="days closed for every organisation, beyond weekends and public holidays",
    )
    clock_skew_for_tests_seconds: float = Field(
        default=0, description="TESTS ONLY: shift this process's machine clock by this much"
    )

    @property
    def at_risk_window(self) -> timedelta:
        return timedelta(hours=self.at_risk_hours)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PATHWAYS_", env_nested_delimiter="__", extra="ignore"
    )

    database_url: str = "sqlite:///pathways.db"
    data_dir: Path = Path("var")
    forms_dir: Path = Path("forms")
    bpmn_dir: Path = Path("bpmn")
    max_bpmn_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    demo: bool = False
    sandbox: SandboxSettings = SandboxSettings()
    deadlines: DeadlineSettings = DeadlineSettings()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
