"""Models and deployments as the API and `--json` show them."""

from __future__ import annotations

from pydantic import BaseModel

from pathways.processes.service import Deployment


class ModelOut(BaseModel):
    key: str
    name: str
    versions: int
    deployed: int | None


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
