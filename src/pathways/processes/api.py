"""Routes for pathway models: list, read, save a new version, fetch a version's XML,
list its problems, deploy and retire it.

A version's XML carries an `ETag`; saving with `If-Match` refuses (412) when someone
saved the model since, so two designers never overwrite each other."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from pathways.cases import service as cases
from pathways.edge.caller import CallDep
from pathways.edge.params import RowId
from pathways.errors import InvalidData
from pathways.processes import service as processes
from pathways.processes.schemas import (
    DeploymentOut,
    ModelDetailOut,
    ModelOut,
    ProblemOut,
    VersionOut,
)

router = APIRouter(prefix="/api/models", tags=["models"])
_XML_TYPES = ("application/xml", "text/xml", "application/bpmn+xml")
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=1000,
        description="the ETag of the version you edited; 412 if the model changed since",
    ),
]


async def _xml_body(request: Request) -> bytes:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in _XML_TYPES:
        raise InvalidData("send the BPMN file as application/xml")
    return await request.body()


@router.get("")
def list_models(call: CallDep) -> list[ModelOut]:
    with call.begin() as tx:
        return [ModelOut.of(*row) for row in processes.list_models(tx.session)]


@router.get("/{key}")
def get_model(key: str, call: CallDep) -> ModelDetailOut:
    with call.begin() as tx:
        model = processes.get_model(tx.session, key)
        return ModelDetailOut.of(model, cases.running_by_version(tx.session, model.id))


@router.post(
    "/{key}/versions",
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
    responses={
        412: {"description": "If-Match names a version older than the model's latest"},
        422: {"description": "the model has problems, listed with their element ids"},
    },
)
def save_version(
    key: str,
    call: CallDep,
    response: Response,
    data: Annotated[bytes, Depends(_xml_body)],
    if_match: IfMatch = None,
    deploy: Annotated[bool, Query(description="false keeps a draft, even with problems")] = True,
) -> list[DeploymentOut]:
    """Validate the BPMN file, store it as the model's next version and deploy it.

    The answer lists each problem with its element id, and its ETag is the new latest
    version's, ready for the next save's If-Match.
    """
    with call.begin() as tx:
        done = processes.deploy(
            tx.session,
            data=data,
            actor=tx.actor,
            settings=tx.settings,
            draft=not deploy,
            key=key,
            if_match=if_match,
        )
        response.headers["ETag"] = processes.etag(processes.latest_version(tx.session, key))
        return [DeploymentOut.of(d) for d in done]


@router.get(
    "/{key}/versions/{number}/bpmn",
    response_class=Response,
    responses={200: {"content": {"application/xml": {"schema": {"type": "string"}}}}},
)
def version_xml(key: str, number: RowId, call: CallDep) -> Response:
    with call.begin() as tx:
        version = processes.get_version(tx.session, key, number)
        xml, tag = version.bpmn_xml, processes.etag(version)
    return Response(
        xml, media_type="application/xml", headers={"ETag": tag, "Cache-Control": "no-cache"}
    )


@router.get("/{key}/versions/{number}/problems")
def version_problems(key: str, number: RowId, call: CallDep) -> list[ProblemOut]:
    """What validation and lint find in the version now, each on its element."""
    with call.begin() as tx:
        version = processes.get_version(tx.session, key, number)
        found = processes.problems_of(tx.session, version=version, settings=tx.settings)
        return [ProblemOut.of(p) for p in found]


@router.post(
    "/{key}/versions/{number}/deploy",
    responses={422: {"description": "the draft still has problems, listed with element ids"}},
)
def deploy_version(key: str, number: RowId, call: CallDep) -> VersionOut:
    """Deploy a draft (refused while it has problems) or bring back a retired version."""
    with call.begin() as tx:
        version = processes.deploy_version(
            tx.session, key=key, number=number, actor=tx.actor, settings=tx.settings
        )
        return VersionOut.model_validate(version)


@router.post("/{key}/versions/{number}/retire")
def retire_version(key: str, number: RowId, call: CallDep) -> VersionOut:
    """A retired version starts no new case; the cases running on it go on."""
    with call.begin() as tx:
        version = processes.retire_version(tx.session, key=key, number=number, actor=tx.actor)
        return VersionOut.model_validate(version)
