"""Loading form files, checking them at deploy, validating submitted data."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError
from referencing import Registry
from referencing.exceptions import Unresolvable

from pathways.errors import FieldError, InvalidData, NotFound, Text
from pathways.forms import rules
from pathways.record.keeping import keeping_problem
from pathways.record.sharing import share_problem

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.json")
_MAX_FORM_BYTES = 256 * 1024
_MAX_ERRORS = 20
# No remote or file references are ever fetched: a `$ref` must stay inside the form.
_NO_RETRIEVAL: Registry[Any] = Registry()


@dataclass(frozen=True)
class FormFile:
    name: str
    title: str | None
    ui: str | None


class FormCatalog:
    """The form files of one folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def load(self, filename: str) -> dict[str, Any]:
        if not _SAFE_NAME.fullmatch(filename):
            raise NotFound(Text("a form file name is letters, digits, . _ - and ends in .json"))
        path = self.directory / filename
        if not path.is_file():
            raise NotFound(Text("no such form"))
        if path.stat().st_size > _MAX_FORM_BYTES:
            raise InvalidData(
                Text(
                    "form '{form}' is larger than {limit} bytes",
                    form=filename,
                    limit=_MAX_FORM_BYTES,
                )
            )
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            invalid = Text(
                "form '{form}' is not valid JSON: {reason}", form=filename, reason=str(error)
            )
            raise InvalidData(invalid) from None
        if not isinstance(loaded, dict):
            raise InvalidData(Text("form '{form}' is not a JSON object", form=filename))
        return loaded

    def schemas(self) -> list[FormFile]:
        """The schema files of the folder (`*.schema.json`), by name."""
        found = []
        for path in sorted(self.directory.glob("*.schema.json")):
            if not _SAFE_NAME.fullmatch(path.name):
                continue
            ui = path.name.removesuffix(".schema.json") + ".uischema.json"
            try:
                title = self.load(path.name).get("title")
            except (NotFound, InvalidData):
                title = None
            found.append(
                FormFile(
                    name=path.name,
                    title=title if isinstance(title, str) else None,
                    ui=ui if (self.directory / ui).is_file() else None,
                )
            )
        return found

    def problem(self, filename: str, kind: str) -> str | Text | None:
        """Why this form cannot be used, or None. `kind` is "schema" or "ui"."""
        stamp = self._stamp(filename)  # before reading: a later change gets a new stamp
        try:
            form = self.load(filename)
        except (NotFound, InvalidData) as error:
            return error.text or error.message
        if kind != "schema":
            return None
        if stamp is None:
            return schema_problem(filename, form)
        # Checking against the 2020-12 meta-schema takes milliseconds, and every model
        # deployed checks its forms again: remember the answer for an unchanged file.
        if stamp not in _CHECKED:
            if len(_CHECKED) >= _MAX_CHECKED:
                _CHECKED.clear()
            _CHECKED[stamp] = schema_problem(filename, form)
        return _CHECKED[stamp]

    def _stamp(self, filename: str) -> tuple[str, int, int] | None:
        if not _SAFE_NAME.fullmatch(filename):
            return None
        path = self.directory / filename
        try:
            stat = path.stat()
        except OSError:
            return None
        return str(path.resolve()), stat.st_mtime_ns, stat.st_size


# (path, mtime, size) of a form file → what checking it found. Bounded; cleared when full.
_CHECKED: dict[tuple[str, int, int], Text | None] = {}
_MAX_CHECKED = 1024


def schema_problem(filename: str, schema: dict[str, Any]) -> Text | None:
    """Why the form cannot be used; what the schema checks say is quoted as it is."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        return Text(
            "form '{form}' is not valid JSON Schema: {reason}",
            form=filename,
            reason=error.message[:200],
        )
    if schema.get("type", "object") != "object":
        return Text('form \'{form}\' must describe an object ("type": "object")', form=filename)
    shared = share_problem(schema) or keeping_problem(schema)
    if shared is not None:
        return Text("form '{form}': {reason}", form=filename, reason=shared)
    found = rules.problems(schema)
    if len(found) > 1:
        return Text(
            "form '{form}': {reason} (and {count} more)",
            form=filename,
            reason=found[0],
            count=len(found) - 1,
        )
    if found:
        return Text("form '{form}': {reason}", form=filename, reason=found[0])
    return None


def validate_submission(schema: dict[str, Any], data: dict[str, Any]) -> None:
    """Raise `InvalidData` listing every field that does not fit the form."""
    validator = Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER, registry=_NO_RETRIEVAL
    )
    try:
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    except Unresolvable as error:
        raise InvalidData(f"the form refers to something outside it: {error}") from None
    messages = [_describe(e) for e in errors[:_MAX_ERRORS]]
    fields = list(dict.fromkeys(f for e in errors[:_MAX_ERRORS] for f in _field_errors(e)))
    for field_error, sentence in rules.broken(schema, data)[:_MAX_ERRORS]:
        messages.append(sentence)
        fields.append(field_error)
    if messages:
        raise InvalidData(f"the data does not fit the form: {messages[0]}", messages, fields)


def _field_errors(error: ValidationError) -> list[FieldError]:
    """The error placed on the field it concerns (a missing field is its own pointer)."""
    base = "".join(f"/{part}" for part in error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [n for n in cast(Any, error.validator_value) if n not in error.instance]
        return [FieldError(f"{base}/{name}", "required") for name in missing]
    limit = error.validator_value
    shown = limit if isinstance(limit, str | int | float | bool) else None
    return [FieldError(base, str(error.validator), shown)]


def _describe(error: ValidationError) -> str:
    """Say what the field needs without echoing what was sent (it may be hostile)."""
    path = ".".join(str(part) for part in error.absolute_path)
    field = path or "the form"
    rule, expected = error.validator, cast(Any, error.validator_value)
    if rule == "required":
        missing = [
            name
            for name in expected
            if isinstance(error.instance, dict) and name not in error.instance
        ]
        return f"{field}: missing required field {', '.join(missing)}"
    if rule == "additionalProperties":
        return f"{field}: has fields the form does not know"
    if rule in ("type", "enum", "format", "const"):
        return f"{field}: must be {_RULE_WORDS[rule]} {expected}"
    if isinstance(expected, str | int | float | bool):
        return f"{field}: does not satisfy {rule} {expected}"
    return f"{field}: does not satisfy {rule}"


_RULE_WORDS = {"type": "of type", "enum": "one of", "format": "a valid", "const": "exactly"}
