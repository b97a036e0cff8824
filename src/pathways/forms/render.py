"""Forms as HTML fields: JSON Schema 2020-12 plus `ui:` hints in, labelled fields out.

Supported: strings (text, textarea, date), numbers and integers, enums (radio or select,
labelled by `ui:enumNames` or `oneOf` items with `const` and `title`), booleans (radio
yes/no or a checkbox), arrays of enum strings (checkboxes), nested objects, and arrays
of objects as repeatable groups. Field names are dotted paths (`services.0.name`); errors
arrive keyed by JSON pointer (`/services/0/name`) and are placed beside their field.
`read_form` turns a posted HTML form back into JSON values of the schema's types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from pathways.forms.rules import FieldRule, rules_of

MAX_ROWS = 50
Translate = Callable[[str | None], str]


@dataclass
class Option:
    value: str
    label: str
    chosen: bool


@dataclass
class Field:
    name: str  # the HTML name: a dotted path
    label: str
    widget: str
    required: bool = False
    help: list[str] = field(default_factory=list)
    value: Any = None
    options: list[Option] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows: int = 4
    max_length: int | None = None
    rules: list[FieldRule] = field(default_factory=list)  # date rules beyond one field
    children: list[Field] = field(default_factory=list)  # an object's fields
    items: list[list[Field]] = field(default_factory=list)  # a repeatable group's rows

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def pointer(self) -> str:
        return "/" + self.name.replace(".", "/")


def fields(
    schema: Mapping[str, Any],
    ui: Mapping[str, Any] | None,
    data: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    text: Translate,
) -> list[Field]:
    """The form's fields in `ui:order`, filled with `data`, each with its errors."""
    return _object_fields(schema, ui or {}, data, errors, text, prefix="")


def _object_fields(
    schema: Mapping[str, Any],
    ui: Mapping[str, Any],
    data: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    text: Translate,
    prefix: str,
) -> list[Field]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    built = []
    for key in _ordered(properties, ui.get("ui:order")):
        name = f"{prefix}{key}"
        one = _field(properties[key], _hints(ui, key), name, data.get(key), errors, text)
        # An unticked checkbox still answers (false), so it never needs the mark.
        one.required = key in required and one.widget != "checkbox"
        if isinstance(properties[key], Mapping):
            one.rules = rules_of(schema, properties[key])
        built.append(one)
    return built


def _hints(ui: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    found = ui.get(key)
    return found if isinstance(found, Mapping) else {}


def _ordered(properties: Mapping[str, Any], order: Any) -> list[str]:
    names = list(properties)
    if not isinstance(order, list):
        return names
    first = [n for n in order if n in properties]
    rest = [n for n in names if n not in first]
    if "*" in order:  # rjsf's wildcard: the others go where the star is
        star = order.index("*")
        first = (
            [n for n in order[:star] if n in properties]
            + rest
            + [n for n in order[star + 1 :] if n in properties]
        )
        return first
    return first + rest


def _field(
    schema: Mapping[str, Any],
    ui: Mapping[str, Any],
    name: str,
    value: Any,
    errors: Mapping[str, list[str]],
    text: Translate,
) -> Field:
    key = name.rsplit(".", 1)[-1]
    label = text(schema.get("title")) or text(key.replace("_", " ").capitalize())
    built = Field(name=name, label=label, widget=_widget(schema, ui), value=value)
    built.help = [t for t in (text(schema.get("description")), text(ui.get("ui:help"))) if t]
    built.errors = list(errors.get(built.pointer, []))
    built.max_length = schema.get("maxLength")
    options = ui.get("ui:options")
    if isinstance(options, Mapping) and isinstance(options.get("rows"), int):
        built.rows = max(2, min(options["rows"], 20))
    _fill(built, schema, ui, value, errors, text)
    return built


def _fill(
    built: Field,
    schema: Mapping[str, Any],
    ui: Mapping[str, Any],
    value: Any,
    errors: Mapping[str, list[str]],
    text: Translate,
) -> None:
    if built.widget in ("radio", "select"):
        built.options = _options(schema, ui, [value], text)
    elif built.widget == "checkboxes":
        items = schema.get("items", {})
        built.options = _options(items, ui, value if isinstance(value, list) else [], text)
    elif built.widget == "object":
        child = value if isinstance(value, Mapping) else {}
        built.children = _object_fields(schema, ui, child, errors, text, prefix=built.name + ".")
    elif built.widget == "group":
        item_ui = _hints(ui, "items")
        rows = value if isinstance(value, list) else []
        built.items = [
            _object_fields(
                schema["items"],
                item_ui,
                row if isinstance(row, Mapping) else {},
                errors,
                text,
                prefix=f"{built.name}.{i}.",
            )
            for i, row in enumerate(rows[:MAX_ROWS])
        ]


def _widget(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> str:
    kind, asked = schema.get("type"), ui.get("ui:widget")
    if _choices(schema):
        return "radio" if asked == "radio" else "select"
    if kind == "boolean":
        return "boolean-radio" if asked == "radio" else "checkbox"
    if kind in ("integer", "number"):
        return str(kind)
    if kind == "object":
        return "object"
    if kind == "array":
        items = schema.get("items", {})
        return "group" if items.get("type") == "object" else "checkboxes"
    if schema.get("format") == "date" or asked == "date":
        return "date"
    if asked == "textarea" or (schema.get("maxLength") or 0) > 200:
        return "textarea"
    return "text"


def _choices(schema: Mapping[str, Any]) -> list[tuple[Any, str | None]]:
    """(value, English label or None) of an enum or of a oneOf with const and title."""
    if isinstance(schema.get("enum"), list):
        return [(v, None) for v in schema["enum"]]
    one_of = schema.get("oneOf")
    if isinstance(one_of, list) and all(isinstance(o, Mapping) and "const" in o for o in one_of):
        return [(o["const"], o.get("title")) for o in one_of]
    return []


def _options(
    schema: Mapping[str, Any], ui: Mapping[str, Any], chosen: list[Any], text: Translate
) -> list[Option]:
    names = ui.get("ui:enumNames")
    options = []
    for i, (value, title) in enumerate(_choices(schema)):
        if isinstance(names, list) and i < len(names):
            title = names[i]
        label = text(title) if title else text(str(value).replace("_", " ").capitalize())
        options.append(Option(value=str(value), label=label, chosen=value in chosen))
    return options


def with_errors(built: list[Field]) -> list[Field]:
    """Every field that carries an error, nested ones included, in page order."""
    found = []
    for one in built:
        if one.errors:
            found.append(one)
        found.extend(with_errors(one.children))
        for row in one.items:
            found.extend(with_errors(row))
    return found


def read_form(schema: Mapping[str, Any], form: FormData) -> dict[str, Any]:
    """The posted form as data of the schema's types; empty fields are left out."""
    return _read_object(schema, form, prefix="")


def _read_object(schema: Mapping[str, Any], form: FormData, prefix: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, sub in schema.get("properties", {}).items():
        value = _read_value(sub, form, f"{prefix}{key}")
        if value is not None:
            data[key] = value
    return data


def _read_value(schema: Mapping[str, Any], form: FormData, name: str) -> Any:
    kind = schema.get("type")
    if kind == "object":
        return _read_object(schema, form, prefix=name + ".")
    if kind == "array":
        return _read_array(schema, form, name)
    raw = form.get(name)
    if kind == "boolean":
        return _read_boolean(raw, form, name)
    if not isinstance(raw, str) or raw.strip() == "":
        return None
    choices = _choices(schema)
    if choices:  # an option's value keeps its JSON type (an enum of numbers stays numbers)
        return next((v for v, _ in choices if str(v) == raw.strip()), raw.strip())
    if kind in ("integer", "number"):
        return _number(raw.strip(), integer=kind == "integer")
    return raw.strip()


def _read_boolean(raw: Any, form: FormData, name: str) -> bool | None:
    if raw in ("true", "false"):
        return bool(raw == "true")
    # A checkbox sends nothing when unchecked; its hidden marker says it was on the page.
    return False if form.get(f"{name}.present") == "1" else None


def _read_array(schema: Mapping[str, Any], form: FormData, name: str) -> list[Any] | None:
    items = schema.get("items", {})
    if items.get("type") != "object":
        chosen = [v for v in form.getlist(name) if isinstance(v, str) and v]
        return chosen or None
    try:
        count = min(int(str(form.get(f"{name}.rows", "0"))), MAX_ROWS)
    except ValueError:
        count = 0
    rows = [_read_object(items, form, prefix=f"{name}.{i}.") for i in range(max(count, 0))]
    return rows or None


def _number(raw: str, *, integer: bool) -> int | float | str:
    """The number typed, or the text itself so validation names the field."""
    try:
        return int(raw) if integer else float(raw.replace(",", "."))
    except ValueError:
        return raw


def add_row(data: dict[str, Any], name: str) -> None:
    """Append an empty row to the repeatable group at dotted path `name`."""
    rows = _rows_at(data, name)
    if rows is not None and len(rows) < MAX_ROWS:
        rows.append({})


def remove_row(data: dict[str, Any], name: str) -> None:
    """Remove the row at dotted path `name` (the group's path, then the row's index)."""
    group, _, index = name.rpartition(".")
    rows = _rows_at(data, group, create=False)
    if rows is not None and index.isdigit() and int(index) < len(rows):
        del rows[int(index)]


def _rows_at(data: dict[str, Any], name: str, *, create: bool = True) -> list[Any] | None:
    *parents, last = name.split(".")
    node: Any = data
    for part in parents:
        if isinstance(node, list):
            node = node[int(part)] if part.isdigit() and int(part) < len(node) else None
        else:
            node = node.get(part)
        if not isinstance(node, dict | list):
            return None
    if not isinstance(node, dict):
        return None
    rows = node.setdefault(last, []) if create else node.get(last)
    return rows if isinstance(rows, list) else None
