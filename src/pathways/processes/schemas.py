"""Models and deployments as the API and `--json` show them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pathways import engine
from pathways.errors import Problem
from pathways.processes.camunda.convert import Conversion
from pathways.processes.dry_run import DryRunView
from pathways.processes.models import ProcessModel
from pathways.processes.service import Deployment

# A message id of the pages' catalogue to the text in the caller's language.
Translate = Callable[[str], str]


class ProblemOut(BaseModel):
    """One problem of a model, on the element that carries it (None: the whole model)."""

    element_id: str | None
    message: str = Field(description="in English, as the CLI says it")
    text: str = Field(
        description="the same in the caller's language (the `lang` cookie, else Accept-Language)"
    )

    @classmethod
    def of(cls, problem: Problem, translate: Translate) -> ProblemOut:
        return cls(
            element_id=problem.element_id,
            message=problem.message,
            text=problem.render(translate),
        )


class DecisionIn(BaseModel):
    """A DMN file saved with a model: its file name and XML."""

    name: str = Field(min_length=1, max_length=200, pattern=r"^[\w. -]+$")
    xml: str = Field(min_length=1)


class VersionIn(BaseModel):
    """A model saved with its decision tables (`application/json`)."""

    model_config = ConfigDict(extra="forbid")

    bpmn: str = Field(min_length=1)
    decisions: list[DecisionIn] = Field(default_factory=list, max_length=50)


class DecisionOut(BaseModel):
    """A decision a version's business rule tasks call, and the DMN file defining it."""

    model_config = ConfigDict(from_attributes=True)

    decision_id: str
    file_name: str


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
    saved_by: str | None = Field(default=None, description="who saved the draft last")
    saved_at: datetime | None = Field(default=None, description="when the draft was saved last")
    deployed_at: datetime | None
    retired_at: datetime | None
    running: int = Field(default=0, description="running cases on this version")


class ModelDetailOut(BaseModel):
    key: str
    name: str
    description: str | None
    versions: list[VersionOut]

    @classmethod
    def of(cls, model: ProcessModel, running: Mapping[int, int] | None = None) -> ModelDetailOut:
        counts = running or {}
        return cls(
            key=model.key,
            name=model.name,
            description=model.description,
            versions=[
                VersionOut.model_validate(v).model_copy(update={"running": counts.get(v.number, 0)})
                for v in model.versions
            ],
        )


class DeploymentOut(BaseModel):
    model: str
    version: int
    state: str
    created: bool
    problems: list[ProblemOut]

    @classmethod
    def of(cls, deployment: Deployment, translate: Translate) -> DeploymentOut:
        return cls(
            model=deployment.key,
            version=deployment.version,
            state=deployment.state,
            created=deployment.created,
            problems=[ProblemOut.of(p, translate) for p in deployment.problems],
        )


class ElementOut(BaseModel):
    id: str
    name: str | None


class ChangedElementOut(ElementOut):
    settings: list[str]


class DiffOut(BaseModel):
    """Elements added, removed and changed between two versions, for colouring the diagram."""

    model: str
    old: int
    new: int
    added: list[ElementOut]
    removed: list[ElementOut]
    changed: list[ChangedElementOut]

    @classmethod
    def of(cls, key: str, old: int, new: int, diff: engine.ModelDiff) -> DiffOut:
        return cls(
            model=key,
            old=old,
            new=new,
            added=[ElementOut(id=e.id, name=e.name) for e in diff.added],
            removed=[ElementOut(id=e.id, name=e.name) for e in diff.removed],
            changed=[
                ChangedElementOut(id=e.id, name=e.name, settings=list(e.settings))
                for e in diff.changed
            ],
        )


class AnswerIn(BaseModel):
    """What the caseworker enters in a step, and how long after it opens (ISO 8601)."""

    data: dict[str, Any] = Field(default_factory=dict)
    after: str = Field(default="PT0S", max_length=40, description="e.g. P5D")


class DryRunIn(BaseModel):
    data: dict[str, Any] = Field(default_factory=dict, description="the start data of the case")
    answers: dict[str, AnswerIn] = Field(
        default_factory=dict, max_length=200, description="by element id of the user task"
    )
    start: AwareDatetime | None = Field(default=None, description="simulated start; now if unset")


class PassedOut(BaseModel):
    element_id: str
    name: str | None
    at: datetime


class StepOut(BaseModel):
    element_id: str
    name: str
    lane: str | None
    ready_at: datetime
    due_at: datetime | None
    completed_at: datetime | None


class TimerOut(BaseModel):
    element_id: str
    name: str | None
    attached_to: str | None
    interrupting: bool
    started_at: datetime
    due_at: datetime
    outcome: str
    ended_at: datetime | None


class DryRunOut(BaseModel):
    """The path the sample case took, its human steps, and when each timer fell due."""

    finished: bool = Field(description="true only when the case reached an end event")
    stopped: str | None = Field(description="why the run ended early, None when it finished")
    stop_kind: str | None = Field(description="error, waiting, horizon or limit")
    stopped_at: list[str] = Field(description="element ids the run stopped on")
    path: list[PassedOut]
    steps: list[StepOut]
    timers: list[TimerOut]

    @classmethod
    def of(cls, view: DryRunView) -> DryRunOut:
        run = view.run
        return cls(
            finished=run.finished,
            stopped=run.stopped,
            stop_kind=run.stop_kind,
            stopped_at=list(run.stopped_at),
            path=[PassedOut(element_id=p.element_id, name=p.name, at=p.at) for p in run.path],
            steps=[StepOut(**vars(step)) for step in view.steps],
            timers=[TimerOut(**vars(timer)) for timer in run.timers],
        )


class CamundaConversionIn(BaseModel):
    """A Camunda 7 model and the organisation kind of each of its candidate groups."""

    bpmn: str = Field(max_length=20_000_000)
    key: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$",
        description="the model it is uploaded to: a file of one process gets this id",
    )
    groups: dict[Annotated[str, Field(max_length=200)], Annotated[str, Field(max_length=100)]] = (
        Field(default_factory=dict, max_length=500)
    )


class CamundaConversionOut(BaseModel):
    """The converted model, the forms it names, the groups it uses, and what to fix."""

    bpmn: str
    forms: dict[str, dict[str, Any]]
    groups: list[str]
    problems: list[ProblemOut]
    notes: list[ProblemOut]

    @classmethod
    def of(cls, conversion: Conversion, translate: Translate) -> CamundaConversionOut:
        return cls(
            bpmn=conversion.xml.decode("utf-8"),
            forms=conversion.forms,
            groups=conversion.groups,
            problems=[ProblemOut.of(p, translate) for p in conversion.problems],
            notes=[ProblemOut.of(p, translate) for p in conversion.notes],
        )
