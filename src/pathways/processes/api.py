"""Routes for pathway models: list, read, save a new version, fetch a version's XML,
list its problems, deploy and retire it.

A version's XML carries an `ETag`; saving with `If-Match` refuses (412) when someone
saved the model since, so two designers never overwrite each other."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from pydantic import ValidationError

from pathways.cases import service as cases
from pathways.edge.caller import CallDep
from pathways.edge.params import RowId
from pathways.errors import InvalidData
from pathways.processes import service as processes
from pathways.processes.camunda import service as camunda
from pathways.processes.schemas import (
    CamundaConversionIn,
    CamundaConversionOut,
    DecisionOut,
    DeploymentOut,
    ModelDetailOut,
    ModelOut,
    ProblemOut,
    VersionIn,
    VersionOut,
)
from pathways.web.i18n import request_gettext

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


Upload = tuple[bytes, list[processes.DecisionFile] | None]


async def _upload(request: Request) -> Upload:
    """The BPMN file (`application/xml`), or the BPMN file with its DMN files (JSON)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in _XML_TYPES:
        return await request.body(), None
    if kind != "application/json":
        raise InvalidData(
            "send the BPMN file as application/xml, or it and its DMN files as application/json"
        )
    try:
        upload = VersionIn.model_validate_json(await request.body())
    except ValidationError as error:
        raise InvalidData("the body is not a model with its decisions", _reasons(error)) from None
    decisions = [processes.decision_file(d.name, d.xml.encode()) for d in upload.decisions]
    return upload.bpmn.encode(), decisions


def _reasons(error: ValidationError) -> list[str]:
    return [
        ".".join(str(part) for part in issue["loc"]) + f": {issue['msg']}"
        for issue in error.errors()[:20]
    ]


@router.get("")
def list_models(call: CallDep) -> list[ModelOut]:
    with call.begin() as tx:
        return [ModelOut.of(*row) for row in processes.list_models(tx.session)]


@router.post(
    "/camunda-conversions",
    responses={422: {"description": "the file is not well-formed BPMN"}},
)
def convert_camunda(body: CamundaConversionIn, call: CallDep) -> CamundaConversionOut:
    """Convert a Camunda 7 model; nothing is stored. Problems name the element and the fix.

    The designer checks the result, adds the forms it names and saves it as a version.
    """
    with call.begin() as tx:
        conversion = camunda.convert_upload(
            data=body.bpmn.encode("utf-8"),
            groups=body.groups,
            key=body.key,
            actor=tx.actor,
            settings=tx.settings,
        )
    return CamundaConversionOut.of(conversion, request_gettext(call.request))


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
            "content": {
                "application/xml": {"schema": {"type": "string"}},
                "application/json": {"schema": VersionIn.model_json_schema()},
            },
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
    upload: Annotated[Upload, Depends(_upload)],
    if_match: IfMatch = None,
    deploy: Annotated[bool, Query(description="false keeps a draft, even with problems")] = True,
) -> list[DeploymentOut]:
    """Validate the BPMN file, store it as the model's next version and deploy it.

    Sent as JSON, the DMN files given are the decision tables of the version; sent as
    XML, the version keeps the decision tables of the latest one. The answer lists each
    problem with its element id, and its ETag is the new latest version's, ready for the
    next save's If-Match.
    """
    data, decisions = upload
    with call.begin() as tx:
        done = processes.deploy(
            tx.session,
            data=data,
            decisions=decisions,
            actor=tx.actor,
            settings=tx.settings,
            draft=not deploy,
            key=key,
            if_match=if_match,
        )
        response.headers["ETag"] = processes.etag(processes.latest_version(tx.session, key))
        return [DeploymentOut.of(d, request_gettext(call.request)) for d in done]


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


@router.get("/{key}/versions/{number}/decisions")
def version_decisions(key: str, number: RowId, call: CallDep) -> list[DecisionOut]:
    """The decisions the version's business rule tasks call, with their DMN files."""
    with call.begin() as tx:
        version = processes.get_version(tx.session, key, number)
        return [DecisionOut.model_validate(d) for d in version.decisions]


@router.get(
    "/{key}/versions/{number}/decisions/{decision_id}",
    response_class=Response,
    responses={200: {"content": {"application/xml": {"schema": {"type": "string"}}}}},
)
def decision_xml(
    key: str,
    number: RowId,
    decision_id: Annotated[str, Path(max_length=128)],
    call: CallDep,
) -> Response:
    """The DMN file of one decision, as the version holds it."""
    with call.begin() as tx:
        version = processes.get_version(tx.session, key, number)
        xml = processes.decision_of(version, decision_id).dmn_xml
    return Response(xml, media_type="application/xml", headers={"Cache-Control": "no-cache"})


@router.get("/{key}/versions/{number}/problems")
def version_problems(key: str, number: RowId, call: CallDep) -> list[ProblemOut]:
    """What validation and lint find in the version now, each on its element."""
    with call.begin() as tx:
        version = processes.get_version(tx.session, key, number)
        found = processes.problems_of(tx.session, version=version, settings=tx.settings)
        translate = request_gettext(call.request)
        return [ProblemOut.of(p, translate) for p in found]


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
