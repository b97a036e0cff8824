"""Settings from `PATHWAYS_*` variables, built once by `get_settings()`.

Nested groups read `PATHWAYS_<GROUP>__<FIELD>`, e.g. `PATHWAYS_SANDBOX__SECONDS`.
Nothing here touches the environment at import time.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, IPvAnyNetwork, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SandboxSettings(BaseModel):
    """Budgets for scripts and expressions found in models."""

    seconds: float = Field(default=1.0, gt=0, le=60)
    max_size: int = Field(
        default=1_000_000, gt=0, description="largest str/list/int a script may build"
    )
    wall_seconds: float = Field(
        default=3.0, gt=0, le=120, description="real time before a script's worker is killed"
    )
    workers: int = Field(default=4, ge=1, le=64, description="script worker processes")
    memory_mb: int = Field(
        default=512, ge=128, le=16384, description="address space of each script worker"
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
    incident_after: int = Field(
        default=3, ge=1, le=100, description="failed firings of a case before it is an incident"
    )
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


class WebSettings(BaseModel):
    """Sessions, request limits and login throttling of the HTTP edge."""

    session_idle_minutes: int = Field(default=30, gt=0)
    session_absolute_hours: int = Field(default=12, gt=0)
    cookie_secure: bool | None = Field(
        default=None, description="force the Secure flag; by default set when served over https"
    )
    max_request_bytes: int = Field(default=1024 * 1024, gt=0)
    login_failures_per_login: int = Field(default=5, gt=0)
    login_failures_per_address: int = Field(default=30, gt=0)
    login_window_minutes: int = Field(default=15, gt=0)
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description=(
            "addresses or networks of the reverse proxies in front of this service; only"
            " their X-Forwarded-For and X-Forwarded-Proto headers are believed"
        ),
    )


class FaultSettings(BaseModel):
    """Crash points for the fault tests (`pathways.edge.faults`); never set in production."""

    kill_at: Literal["before_commit", "after_commit"] | None = Field(
        default=None, description="SIGKILL this process at that point of a task completion"
    )
    testing: bool = Field(default=False, description="allow `kill_at` outside demo mode")


# Values that look like someone forgot to set a real secret.
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "password", "demo", "pathways", "xxx"}


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


class AttachmentSettings(BaseModel):
    """Where attachments' bytes are kept (by SHA-256, outside the database) and how big."""

    folder: Path | None = Field(
        default=None,
        description="by default `attachments` in data_dir; replicas must share one folder",
    )
    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0, description="largest file accepted")


class OidcProviderSettings(BaseModel):
    """One OpenID Connect provider staff sign in with (see docs/operations.md)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$", description="in URLs and origins")
    title: str = Field(description="shown on the login page, e.g. the organisation's name")
    issuer: str
    client_id: str
    client_secret: SecretStr | None = None
    scopes: list[str] = Field(default_factory=lambda: ["openid", "profile", "email"])
    algorithms: list[str] = Field(
        default_factory=lambda: ["RS256", "PS256", "ES256"],
        description="signature algorithms accepted on ID, logout and access tokens",
    )
    login_claim: str = "preferred_username"
    email_claim: str = "email"
    name_claim: str = "name"
    organisation_claim: str | None = Field(
        default=None, description="the claim naming the organisation; unset: `organisation`"
    )
    organisation: str | None = Field(
        default=None, description="the Pathways organisation (code) when no claim names one"
    )
    organisations: dict[str, str] = Field(
        default_factory=dict, description="claim value -> Pathways organisation code"
    )
    roles_claim: str = "roles"
    roles: dict[str, list[str]] = Field(
        default_factory=dict, description="claim value (group, app role) -> Pathways roles"
    )
    login_prefix: str = Field(
        default="", max_length=16, description="put before every login from this provider"
    )
    recheck_minutes: float = Field(
        default=10, ge=0, description="ask the provider again (userinfo) this often per session"
    )
    api_audience: str | None = Field(
        default=None, description="the `aud` of access tokens integrators present; unset: off"
    )
    service_accounts: dict[str, str] = Field(
        default_factory=dict, description="client id of an integrator -> Pathways login"
    )
    timeout: float = Field(default=10.0, gt=0, le=60)
    jwks_refetch_seconds: float = Field(
        default=10, ge=0, description="fetch the JWKS again for an unknown key at most this often"
    )
    allow_http: bool = Field(
        default=False, description="TESTS AND LOCAL USE ONLY: accept an http:// issuer"
    )

    @model_validator(mode="after")
    def _https_issuer(self) -> OidcProviderSettings:
        if not self.issuer.startswith("https://") and not self.allow_http:
            raise ValueError(f"the issuer of provider {self.name} must be an https:// URL")
        if self.api_audience is not None and self.api_audience == self.client_id:
            # Else a person's ID token (audience: the client id) would pass as an access token.
            raise ValueError(f"provider {self.name}: api_audience must differ from client_id")
        return self


class AuthSettings(BaseModel):
    """How staff sign in: local passwords and OpenID Connect providers."""

    local_passwords: bool = Field(
        default=True, description="accept local passwords (always on in demo mode)"
    )
    providers: list[OidcProviderSettings] = Field(default_factory=list)
    base_url: str | None = Field(
        default=None,
        description="this service's public address for redirects; unset: the request's own",
    )

    def provider(self, name: str) -> OidcProviderSettings | None:
        return next((p for p in self.providers if p.name == name), None)


class DashboardSettings(BaseModel):
    """When the morning job (snapshot, digests) runs, Helsinki time."""

    morning_at: time = time(6, 30)


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
    web: WebSettings = WebSettings()
    fault: FaultSettings = FaultSettings()
    secret_key: SecretStr | None = Field(
        default=None,
        description="signs CSRF tokens; when unset, one is generated and kept in data_dir",
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        key = self.secret_key.get_secret_value() if self.secret_key else None
        if key is not None and not self.demo and (key.lower() in _PLACEHOLDERS or len(key) < 32):
            raise ValueError(
                "PATHWAYS_SECRET_KEY is a placeholder or shorter than 32 characters;"
                " set a random one or leave it unset to have one generated"
            )
        return self

    smtp: SmtpSettings = SmtpSettings()
    dashboards: DashboardSettings = DashboardSettings()
    attachments: AttachmentSettings = AttachmentSettings()
    auth: AuthSettings = AuthSettings()

    @property
    def attachments_folder(self) -> Path:
        return self.attachments.folder or self.data_dir / "attachments"

    @property
    def local_passwords(self) -> bool:
        return self.demo or self.auth.local_passwords

    @model_validator(mode="after")
    def _refuse_crash_points_in_production(self) -> Settings:
        if self.fault.kill_at is not None and not (self.demo or self.fault.testing):
            raise ValueError(
                "PATHWAYS_FAULT__KILL_AT makes the process kill itself; it is for fault tests"
                " only and needs PATHWAYS_FAULT__TESTING=true (or PATHWAYS_DEMO)"
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
