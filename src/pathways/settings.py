"""Settings from `PATHWAYS_*` variables, built once by `get_settings()`.

Nested groups read `PATHWAYS_<GROUP>__<FIELD>`, e.g. `PATHWAYS_SANDBOX__SECONDS`.
Nothing here touches the environment at import time.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
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

    @property
    def at_risk_window(self) -> timedelta:
        return timedelta(hours=self.at_risk_hours)


class SmtpSettings(BaseModel):
    """Outgoing mail (digests, assignment notices). Off while `host` is unset."""

    host: str | None = None
    port: int = Field(default=25, gt=0, lt=65536)
    sender: str = "pathways@localhost"
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    timeout: float = Field(default=10.0, gt=0, le=120)
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="links in mail point under this address"
    )

    @property
    def enabled(self) -> bool:
        return bool(self.host)


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
    smtp: SmtpSettings = SmtpSettings()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
