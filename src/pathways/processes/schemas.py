"""Models and deployments as the API and `--json` show them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from pathways.processes.models import ProcessModel
from pathways.processes.service import Deployment


class ModelOut(BaseModel):
    key: str
    name: str
    versions: int
    deployed: int | None

    @classmethod
    def of(cls, model: ProcessModel, versions: int, deployed: int | None) -> ModelOut:
        return cls(key=model.key, name=model.name, versions=versions, deployed=deployed)


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    state: str
    sha256: str
    created_by: str | None
    created_at: datetime
    deployed_at: datetime | None
    retired_at: datetime | None


class ModelDetailOut(BaseModel):
    key: str
    name: str
    description: str | None
    versions: list[VersionOut]

    @classmethod
    def of(cls, model: ProcessModel) -> ModelDetailOut:
        return cls(
            key=model.key,
            name=model.name,
            description=model.description,
            versions=[VersionOut.model_validate(v) for v in model.versions],
        )


class DeploymentOut(BaseModel):
    model: str
    version: int
    state: str
    created: bool
    problems: list[str]

    @classmethod
    def of(cls, deployment: Deployment) -> DeploymentOut:
        return cls(
            model=deployment.key,
            version=deployment.version,
            state=deployment.state,
            created=deployment.created,
            problems=[str(p) for p in deployment.problems],
        )
