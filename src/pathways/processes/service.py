"""Validating and deploying BPMN files; finding versions; running them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways import clock, engine
from pathways.audit import service as audit
from pathways.errors import Conflict, InvalidModel, NotFound, PreconditionFailed, Problem
from pathways.forms.service import FormCatalog
from pathways.people import permissions
from pathways.people.actors import Actor
from pathways.processes.models import (
    ProcessDecision,
    ProcessModel,
    ProcessVersion,
    VersionState,
)
from pathways.processes.validation import budget, validate_file
from pathways.processes.validation import decision_file as decision_file
from pathways.processes.validation import deploy_order as deploy_order
from pathways.processes.validation import is_decision_file as is_decision_file
from pathways.settings import Settings

# A DMN file given beside a model (file name and bytes).
DecisionFile = engine.DecisionFile


@dataclass(frozen=True)
class Deployment:
    """What deploying one process of a file did."""

    key: str
    version: int
    state: str
    created: bool
    problems: tuple[Problem, ...]


def validate(
    session: Session,
    *,
    data: bytes,
    settings: Settings,
    companions: Sequence[bytes] = (),
    decisions: Sequence[engine.DecisionFile] = (),
) -> list[engine.BuiltProcess]:
    """Build every process in the file with the DMN files given; structural faults raise,
    lint problems are listed.

    A call activity finds its process among `companions` (the other files of the same
    command) before the deployed models, so a library validates on an empty database; a
    decision given in no file comes from the deployed ones.
    """
    return validate_file(
        data=data,
        settings=settings,
        library=lambda key: deployed_xml(session, key),
        companions=companions,
        decisions=decisions,
        decision_library=lambda decision_id: deployed_decision(session, decision_id),
    )


def deploy(
    session: Session,
    *,
    data: bytes,
    actor: Actor,
    settings: Settings,
    draft: bool = False,
    key: str | None = None,
    if_match: str | None = None,
    decisions: Sequence[engine.DecisionFile] | None = None,
) -> list[Deployment]:
    """Store each process of the file as a new version; deploy it unless `draft`.

    A file whose processes have lint problems is refused whole unless kept as a draft.
    With `key`, the file must hold that process (a route names the model it saves).
    With `if_match`, the model's latest version must still be the one the caller edited.
    Deploying what the latest version already holds changes nothing. Without `decisions`,
    a save of a model (`key`) keeps the DMN files of its latest version. A draft is saved
    over (the model keeps one), and deploying the file makes the draft the next version.
    """
    permissions.require_designer(actor)
    if key is not None:
        _require_latest(session, key, if_match)
        if decisions is None:
            decisions = _latest_decisions(session, key)
    built = validate(session, data=data, settings=settings, decisions=decisions or ())
    if key is not None and key not in {process.key for process in built}:
        found = len(built)
        raise InvalidModel(
            [
                Problem(
                    "none of the file's {count} executable processes has the key of the address",
                    count=found,
                )
            ]
        )
    problems = [p for process in built for p in process.problems]
    if problems and not draft:
        raise InvalidModel(problems)
    catalog = FormCatalog(settings.forms_dir)
    return [_store(session, process, data, catalog, actor, draft) for process in built]


def _store(
    session: Session,
    built: engine.BuiltProcess,
    data: bytes,
    catalog: FormCatalog,
    actor: Actor,
    draft: bool,
) -> Deployment:
    forms = {name: catalog.load(name) for name in built.forms} if not built.problems else {}
    digest = _digest(data, built.spec, forms, built.decisions)
    model = _model(session, built)
    state = VersionState.DRAFT if draft else VersionState.DEPLOYED
    latest = _latest(session, model.id)
    if latest is not None and latest.sha256 == digest and latest.state == state:
        return Deployment(built.key, latest.number, latest.state, False, built.problems)
    now = clock.now()
    if latest is not None and latest.state == VersionState.DRAFT:
        version = latest  # the draft is saved over; deploying it makes it the next version
    else:
        version = ProcessVersion(
            model=model,
            number=(latest.number + 1) if latest else 1,
            created_by=actor.login,
            created_at=now,
        )
        session.add(version)
    version.bpmn_xml = data.decode("utf-8")
    version.spec, version.forms, version.kinds = built.spec, forms, list(built.kinds)
    version.sha256, version.state = digest, state
    version.saved_by, version.saved_at = actor.login, now
    version.deployed_at = None if draft else now
    if version.decisions:  # a draft saved over: its old tables go before the new come
        version.decisions.clear()
        session.flush()
    version.decisions = [
        ProcessDecision(decision_id=d, file_name=f.name, dmn_xml=f.data.decode("utf-8"))
        for d, f in built.decisions
    ]
    session.flush()
    audit.record(
        session,
        actor=actor.login,
        action="model.draft_saved" if draft else "model.deployed",
        details={"model": built.key, "version": version.number, "sha256": digest},
    )
    return Deployment(built.key, version.number, state, True, built.problems)


def etag(version: ProcessVersion) -> str:
    """The HTTP entity tag of a version's XML, and what `If-Match` must name to save over it."""
    return f'"{version.sha256}"'


def _require_latest(session: Session, key: str, if_match: str | None) -> None:
    """Lock the model and check the caller edited its latest version (optimistic locking).

    The lock makes two saves of the same model wait for each other, so the second one
    sees the first one's version and is refused instead of both landing.
    """
    model = session.scalar(select(ProcessModel).where(ProcessModel.key == key).with_for_update())
    if if_match is None:
        return
    latest = _latest(session, model.id) if model is not None else None
    presented = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if latest is not None and ("*" in presented or etag(latest) in presented):
        return
    current = f"version {latest.number}" if latest is not None else "no version yet"
    raise PreconditionFailed(
        f"the pathway was saved by someone else meanwhile (it now has {current});"
        " reload it and apply your changes again"
    )


def latest_version(session: Session, key: str) -> ProcessVersion:
    version = _latest(session, get_model(session, key).id)
    if version is None:
        raise NotFound("the pathway has no version")
    return version


def problems_of(session: Session, *, version: ProcessVersion, settings: Settings) -> list[Problem]:
    """What validation and lint say about a stored version now (forms may have changed)."""
    data = version.bpmn_xml.encode("utf-8")
    try:
        built = validate(session, data=data, settings=settings, decisions=decision_files(version))
    except InvalidModel as error:
        return error.problems
    return [p for process in built if process.key == version.model.key for p in process.problems]


def deploy_version(
    session: Session, *, key: str, number: int, actor: Actor, settings: Settings
) -> ProcessVersion:
    """Deploy a stored version: a draft once it has no problems, or a retired one again.

    A draft is built afresh, so it runs with the forms as they are now; a retired
    version comes back exactly as it was, because cases may still run on it.
    """
    permissions.require_designer(actor)
    version = get_version(session, key, number)
    if version.state == VersionState.DEPLOYED:
        return version
    if version.state == VersionState.DRAFT:
        _rebuild(session, version, settings)
    version.state = VersionState.DEPLOYED
    version.deployed_at, version.retired_at = clock.now(), None
    session.flush()
    audit.record(
        session,
        actor=actor.login,
        action="model.deployed",
        details={"model": key, "version": number, "sha256": version.sha256},
    )
    return version


def _rebuild(session: Session, version: ProcessVersion, settings: Settings) -> None:
    data = version.bpmn_xml.encode("utf-8")
    processes = validate(session, data=data, settings=settings, decisions=decision_files(version))
    built = next(p for p in processes if p.key == version.model.key)
    if built.problems:
        raise InvalidModel(list(built.problems))
    catalog = FormCatalog(settings.forms_dir)
    forms = {name: catalog.load(name) for name in built.forms}
    version.spec, version.forms, version.kinds = built.spec, forms, list(built.kinds)
    version.sha256 = _digest(data, built.spec, forms, built.decisions)


def retire_version(session: Session, *, key: str, number: int, actor: Actor) -> ProcessVersion:
    """No new case starts on a retired version; the cases running on it go on."""
    permissions.require_designer(actor)
    version = get_version(session, key, number)
    if version.state == VersionState.RETIRED:
        return version
    if version.state != VersionState.DEPLOYED:
        raise Conflict(f"version {number} is a draft: only deployed versions are retired")
    version.state, version.retired_at = VersionState.RETIRED, clock.now()
    session.flush()
    audit.record(
        session,
        actor=actor.login,
        action="model.retired",
        details={"model": key, "version": number},
    )
    return version


def _digest(
    data: bytes,
    spec: str,
    forms: Mapping[str, object],
    decisions: Sequence[tuple[str, engine.DecisionFile]],
) -> str:
    """Names what a version runs: its XML, its built spec (called processes and decision
    tables included), its forms, and the DMN files as the designer wrote them."""
    hasher = hashlib.sha256(data)
    hasher.update(spec.encode())
    hasher.update(json.dumps(forms, sort_keys=True).encode())
    for decision_id, file in decisions:
        hasher.update(f"\0{decision_id}\0{file.name}\0".encode())
        hasher.update(file.data)
    return hasher.hexdigest()


def _latest_decisions(session: Session, key: str) -> list[engine.DecisionFile]:
    model = session.scalar(select(ProcessModel).where(ProcessModel.key == key))
    latest = _latest(session, model.id) if model is not None else None
    return decision_files(latest) if latest is not None else []


def decision_of(version: ProcessVersion, decision_id: str) -> ProcessDecision:
    for decision in version.decisions:
        if decision.decision_id == decision_id:
            return decision
    raise NotFound("the version calls no decision with that id")


def decision_files(version: ProcessVersion) -> list[engine.DecisionFile]:
    """The DMN files stored with a version, one per decision."""
    return [engine.DecisionFile(d.file_name, d.dmn_xml.encode("utf-8")) for d in version.decisions]


def deployed_decision(session: Session, decision_id: str) -> engine.DecisionFile | None:
    """The decision as the newest deployed version that calls it holds it."""
    found = session.scalar(
        select(ProcessDecision)
        .join(ProcessVersion)
        .where(
            ProcessDecision.decision_id == decision_id,
            ProcessVersion.state == VersionState.DEPLOYED,
        )
        .order_by(ProcessVersion.deployed_at.desc(), ProcessVersion.id.desc())
        .limit(1)
    )
    if found is None:
        return None
    return engine.DecisionFile(found.file_name, found.dmn_xml.encode("utf-8"))


def _model(session: Session, built: engine.BuiltProcess) -> ProcessModel:
    model = session.scalar(select(ProcessModel).where(ProcessModel.key == built.key))
    if model is None:
        model = ProcessModel(key=built.key, name=built.name, created_at=clock.now())
        session.add(model)
    model.name = built.name
    model.description = built.documentation
    session.flush()
    return model


def _latest(session: Session, model_id: int) -> ProcessVersion | None:
    return session.scalar(
        select(ProcessVersion)
        .where(ProcessVersion.model_id == model_id)
        .order_by(ProcessVersion.number.desc())
        .limit(1)
    )


def deployed_xml(session: Session, key: str) -> bytes | None:
    """The XML of a model's deployed version, or None: what call activities may call."""
    try:
        return deployed_version(session, key).bpmn_xml.encode("utf-8")
    except NotFound:
        return None


def deployed_version(session: Session, key: str) -> ProcessVersion:
    """The newest deployed version of a model: the one new cases start on."""
    version = session.scalar(
        select(ProcessVersion)
        .join(ProcessModel)
        .where(ProcessModel.key == key, ProcessVersion.state == VersionState.DEPLOYED)
        .order_by(ProcessVersion.number.desc())
        .limit(1)
    )
    if version is None:
        raise NotFound("no deployed version of that pathway")
    return version


def list_models(session: Session) -> Sequence[tuple[ProcessModel, int, int | None]]:
    """Each model with its version count and newest deployed version number."""
    deployed = func.max(ProcessVersion.number).filter(ProcessVersion.state == VersionState.DEPLOYED)
    rows = session.execute(
        select(ProcessModel, func.count(ProcessVersion.id), deployed)
        .join(ProcessVersion, isouter=True)
        .group_by(ProcessModel.id)
        .order_by(ProcessModel.key)
    ).all()
    return [(model, count, latest) for model, count, latest in rows]


def get_model(session: Session, key: str) -> ProcessModel:
    model = session.scalar(select(ProcessModel).where(ProcessModel.key == key))
    if model is None:
        raise NotFound("no such pathway")
    return model


def get_version(session: Session, key: str, number: int) -> ProcessVersion:
    version = session.scalar(
        select(ProcessVersion)
        .join(ProcessModel)
        .where(ProcessModel.key == key, ProcessVersion.number == number)
    )
    if version is None:
        raise NotFound(f"the pathway has no version {number}")
    return version


def element_names(version: ProcessVersion, settings: Settings) -> set[str]:
    """The names on the version's diagram: its steps, events, flows and lanes."""
    return engine.element_names(version.bpmn_xml.encode(), max_bytes=settings.max_bpmn_bytes)


def pathway_for(version: ProcessVersion, settings: Settings) -> engine.Pathway:
    """The version ready to run, restored once per process and kept."""
    return engine.PATHWAYS.get(version.sha256, budget(settings), lambda: version.spec)
