"""Routes to list the form files and read one, for the modeler's choice and preview."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pathways.edge.caller import CallDep
from pathways.forms.service import FormCatalog
from pathways.web.i18n import request_form_text

router = APIRouter(prefix="/api/forms", tags=["forms"])


class FormOut(BaseModel):
    name: str
    title: str | None = Field(description="the form's own title, in English")
    text: str | None = Field(description="the title in the caller's language")
    ui: str | None


@router.get("")
def list_forms(call: CallDep) -> list[FormOut]:
    """The form schemas a user task may name, with their UI schemas where present."""
    with call.begin() as tx:
        catalog = FormCatalog(tx.settings.forms_dir)
        translate = request_form_text(call.request)
        return [
            FormOut(
                name=f.name, title=f.title, text=translate(f.title) if f.title else None, ui=f.ui
            )
            for f in catalog.schemas()
        ]


@router.get("/{name}")
def read_form(name: str, call: CallDep) -> dict[str, Any]:
    """One form file as stored."""
    with call.begin() as tx:
        return FormCatalog(tx.settings.forms_dir).load(name)
