"""`camunda:formData` of a user task as a Pathways form: JSON Schema plus a UI schema.

Types: string, long (integer), boolean, date (a date string) and enum (its values,
labelled); the `required`, `readonly`, `minlength`, `maxlength`, `min` and `max`
constraints; labels become titles, default values defaults. Labels and titles are
English message ids, as in every shipped form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from pathways.errors import Problem

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_C = f"{{{CAMUNDA_NS}}}"
_LIMITS = {"minlength": "minLength", "maxlength": "maxLength", "min": "minimum", "max": "maximum"}
_FIELD_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,80}$")


@dataclass
class Form:
    schema: dict[str, Any]
    ui: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)


def form_for(task: etree._Element, form_data: etree._Element) -> Form:
    title = task.get("name") or task.get("id") or "Form"
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "properties": {},
        "required": [],
        "additionalProperties": False,
    }
    form = Form(schema, {"ui:order": []})
    for form_field in form_data.iterfind(f"{_C}formField"):
        _add_field(form, task.get("id"), form_field)
    if not schema["required"]:
        del schema["required"]
    return form


def _add_field(form: Form, element: str | None, form_field: etree._Element) -> None:
    name = form_field.get("id") or ""
    if not _FIELD_ID.match(name):
        form.problems.append(
            Problem(
                "form field id '{field}' is not a plain name: rename it", element, field=name[:40]
            )
        )
        return
    kind = form_field.get("type") or "string"
    prop = _property(kind, form_field)
    if prop is None:
        form.problems.append(
            Problem(
                "form field '{field}' has type '{type}', which has no Pathways form type:"
                " use string, long, boolean, date or enum",
                element,
                field=name,
                type=kind[:40],
            )
        )
        return
    prop["title"] = form_field.get("label") or name
    default = form_field.get("defaultValue")
    if default is not None and not default.startswith(("${", "#{")):
        prop["default"] = _typed(kind, default)
    form.schema["properties"][name] = prop
    form.ui["ui:order"].append(name)
    if kind == "boolean":
        form.ui[name] = {"ui:widget": "radio"}
    _constraints(form, element, name, prop, form_field)


def _property(kind: str, form_field: etree._Element) -> dict[str, Any] | None:
    if kind == "string":
        return {"type": "string"}
    if kind == "long":
        return {"type": "integer"}
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "date":
        return {"type": "string", "format": "date"}
    if kind == "enum":
        values = [
            {"const": v.get("id"), "title": v.get("name") or v.get("id")}
            for v in form_field.iterfind(f"{_C}value")
            if v.get("id")
        ]
        return {"type": "string", "oneOf": values} if values else None
    return None


def _typed(kind: str, text: str) -> Any:
    if kind == "long" and text.lstrip("-").isdigit():
        return int(text)
    if kind == "boolean":
        return text.strip().lower() == "true"
    return text


def _constraints(
    form: Form, element: str | None, name: str, prop: dict[str, Any], form_field: etree._Element
) -> None:
    for constraint in form_field.iterfind(f"{_C}validation/{_C}constraint"):
        rule, config = constraint.get("name"), constraint.get("config")
        if rule == "required":
            form.schema["required"].append(name)
        elif rule == "readonly":
            prop["readOnly"] = True
            form.ui.setdefault(name, {})["ui:readonly"] = True
        elif rule in _LIMITS and config is not None and config.isdigit():
            prop[_LIMITS[rule]] = int(config)
        else:
            form.problems.append(
                Problem(
                    "form field '{field}': the constraint '{rule}' has no Pathways"
                    " equivalent: check the value in a script or drop the constraint",
                    element,
                    field=name,
                    rule=str(rule)[:40],
                )
            )
