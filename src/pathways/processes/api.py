"""Routes for pathway models: list, read, save a new version, fetch a version's XML."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from pathways.edge.caller import CallDep
from pathways.edge.params import RowId
from pathways.errors import InvalidData
from pathways.processes import service as processes
from pathways.processes.schemas import DeploymentOut, ModelDetailOut, ModelOut

router = APIRouter(prefix="/api/models", tags=["models"])
_XML_TYPES = ("application/xml", "text/xml", "application/bpmn+xml")


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
        return ModelDetailOut.of(processes.get_model(tx.session, key))


@router.post(
    "/{key}/versions",
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
    responses={422: {"description": "the model has problems, listed with their element ids"}},
)
def save_version(
    key: str,
    call: CallDep,
    data: Annotated[bytes, Depends(_xml_body)],
    deploy: Annotated[bool, Query(description="false keeps a draft, even with problems")] = True,
) -> list[DeploymentOut]:
    """Validate the BPMN file, store it as the model's next version and deploy it."""
    with call.begin() as tx:
        done = processes.deploy(
            tx.session, data=data, actor=tx.actor, settings=tx.settings, draft=not deploy, key=key
        )
        return [DeploymentOut.of(d) for d in done]


@router.get(
    "/{key}/versions/{number}/bpmn",
    response_class=Response,
    responses={200: {"content": {"application/xml": {"schema": {"type": "string"}}}}},
)
def version_xml(key: str, number: RowId, call: CallDep) -> Response:
    with call.begin() as tx:
        xml = processes.get_version(tx.session, key, number).bpmn_xml
    return Response(xml, media_type="application/xml")
