"""Errors that services raise, mapped once to HTTP problems and CLI exit codes.

Each carries a one-line `message` fit to show a user: no stack traces, no input echoed
back beyond short identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


class PathwaysError(Exception):
    """Base of every expected failure. `status` is the HTTP status it maps to.

    Made from a `Text`, the error also carries it as `text`, for the edge to say it in
    the caller's language; `message` is always the English sentence.
    """

    status = 400
    title = "Bad request"

    def __init__(self, message: str | Text) -> None:
        self.text = message if isinstance(message, Text) else None
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True, init=False)
class Text:
    """A sentence for people: an English template with `{named}` places, and their values.

    The template is a message id of the pages' catalogue (extracted from calls of `Text`,
    `Problem` and `N_`); the edge renders it in the viewer's language. The values are
    names, ids and figures from the model, shown as they are; a value that is itself a
    `Text` is translated too. Without values the template is shown as is, braces and all.
    """

    template: str
    params: tuple[tuple[str, str | int | Text], ...]

    def __init__(self, template: str, /, **params: str | int | Text) -> None:
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "params", tuple(params.items()))

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        """The text in the language `translate` gives (English without it)."""
        values = {
            name: value.render(translate) if isinstance(value, Text) else value
            for name, value in self.params
        }
        if translate is not None:
            try:
                return _fill(translate(self.template), values)
            except (KeyError, IndexError, ValueError):
                pass  # a translation that names other places: English rather than nothing
        return _fill(self.template, values)

    def __str__(self) -> str:
        return self.render()


def _fill(template: str, values: dict[str, str | int]) -> str:
    return template.format(**values) if values else template


def N_(template: str) -> str:  # noqa: N802 — the name message extraction looks for
    """Marks a template kept in a name for extraction; translated where it is shown."""
    return template


@dataclass(frozen=True, init=False)
class Problem:
    """One thing wrong with a model, tied to the element that carries it.

    `Problem("timer value '{value}' is too far", element, value=v)`: `message` is the
    English sentence (the CLI and the API's `detail`), `text` the template the pages
    and the API's `text` render in the viewer's language.
    """

    text: Text
    element_id: str | None

    def __init__(
        self, text: str | Text, element_id: str | None = None, /, **params: str | int | Text
    ) -> None:
        if isinstance(text, str):
            text = Text(text, **params)
        elif params:
            raise TypeError("a Problem made from a Text takes no more values")
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "element_id", element_id)

    @property
    def message(self) -> str:
        return str(self.text)

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        return self.text.render(translate)

    def __str__(self) -> str:
        return f"{self.element_id}: {self.message}" if self.element_id else self.message


class InvalidModel(PathwaysError):
    status = 422
    title = "Invalid process model"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "invalid model"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)


@dataclass(frozen=True)
class FieldError:
    """Where submitted data breaks a form's rule: a JSON pointer, the rule and its limit."""

    pointer: str
    rule: str
    limit: object = None


class InvalidData(PathwaysError):
    status = 422
    title = "Invalid data"

    def __init__(
        self,
        message: str | Text,
        errors: list[str] | None = None,
        fields: list[FieldError] | None = None,
    ) -> None:
        super().__init__(message)
        self.errors = errors or [str(message)]
        self.fields = fields or []


class NotFound(PathwaysError):
    status = 404
    title = "Not found"


class NotPermitted(PathwaysError):
    status = 403
    title = "Not permitted"


class Unauthenticated(PathwaysError):
    """No caller, or credentials that are wrong, expired or revoked."""

    status = 401
    title = "Not signed in"


class TooManyRequests(PathwaysError):
    status = 429
    title = "Too many requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PayloadTooLarge(PathwaysError):
    status = 413
    title = "Request too large"


class UnsupportedMediaType(PathwaysError):
    """An upload whose bytes are none of the accepted file types."""

    status = 415
    title = "Unsupported file type"


class Conflict(PathwaysError):
    status = 409
    title = "Conflict"


class TaskNotReady(Conflict):
    title = "Task not ready"


class DuplicateCase(Conflict):
    """The client already has a running case of the pathway; a second needs confirming."""

    title = "A case of this pathway is already running for the client"
    reason = "duplicate"


class NotMigratable(Conflict):
    """A running case cannot move to another version of its pathway; the message says why."""

    title = "The case cannot move to that version"


class PreconditionFailed(PathwaysError):
    """The caller edited an older revision than the one now stored (a stale `If-Match`)."""

    status = 412
    title = "Changed by someone else"


class ScriptFailure(PathwaysError):
    """A script or expression in a model failed or ran out of budget; nothing was saved.

    The message names the element and the error's type. The error's own text is kept only
    for types whose texts never carry the values a script worked on: a failed
    `int(summary)` says `invalid literal for int(): '<the summary>'`, and this message
    reaches answers, the timer's last error and the poller's log.

    `element` is the BPMN id of the element that ran it, when known; `transient` says
    that the script never ran because every script worker was busy.
    """

    status = 422
    title = "Script failed"

    def __init__(self, message: str, element: str | None = None, transient: bool = False) -> None:
        super().__init__(_without_values(message))
        self.element = element
        self.transient = transient


_VALUE_FREE = {"NameError", "AttributeError", "ZeroDivisionError", "SyntaxError"}
_NAMED_ERROR = re.compile(
    r"(?P<head>(?:[^:\s]+: )?)(?P<kind>[A-Z]\w*(?:Error|Exception)): (?P<text>.*?)"
    r"(?P<line> \(line \d+\))?",
    re.DOTALL,
)


def _without_values(message: str) -> str:
    named = _NAMED_ERROR.fullmatch(message)
    if named is None or named["kind"] in _VALUE_FREE:
        return message
    return f"{named['head']}{named['kind']}{named['line'] or ''}"


class EngineFailure(PathwaysError):
    """The engine could not advance the case as the model says (e.g. no gateway branch)."""

    status = 422
    title = "The case cannot advance"

    def __init__(self, message: str, element: str | None = None) -> None:
        super().__init__(message)
        self.element = element


class PollerRunning(Conflict):
    """Another timer poller already serves this SQLite database."""

    title = "Another poller is running"
