"""From an uploaded BPMN file to specs ready to deploy, with every problem found.

Structural faults (XML, the BPMN schema, a missing start event or called process) stop
the build with `InvalidModel`. Lint problems are returned with each process so a model
can still be kept as a draft while they are fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from pathways.engine.bpmn_xml import BPMN_NS, executable_process_ids, parse_bpmn
from pathways.engine.lint import FormCheck, forms_named, lane_kinds, lint
from pathways.engine.sandbox import Budget
from pathways.engine.serialization import dump_spec
from pathways.errors import InvalidModel, Problem

# The XML of a deployed model that defines a process id, for call activities.
Library = Callable[[str], bytes | None]

_MAX_CALL_DEPTH = 16


@dataclass(frozen=True)
class BuiltProcess:
    key: str
    name: str
    documentation: str | None
    spec: str
    forms: tuple[str, ...]
    kinds: tuple[str, ...]
    problems: tuple[Problem, ...]


def build(
    data: bytes,
    *,
    max_bytes: int,
    check_form: FormCheck,
    budget: Budget,
    library: Library = lambda _key: None,
) -> list[BuiltProcess]:
    """Every executable process in `data`, built and linted."""
    root = parse_bpmn(data, max_bytes=max_bytes)
    keys = executable_process_ids(root)
    if not keys:
        raise InvalidModel([Problem('the file has no executable process (isExecutable="true")')])
    parser = SpiffBpmnParser(validator=VALIDATOR)
    with _structural_errors():
        parser.add_bpmn_xml(root.getroottree(), "model.bpmn")
        _add_called_processes(parser, library, max_bytes)
    return [_build_one(parser, root, key, check_form, budget) for key in keys]


def _add_called_processes(parser: SpiffBpmnParser, library: Library, max_bytes: int) -> None:
    for _ in range(_MAX_CALL_DEPTH):
        missing = sorted(parser.get_process_dependencies() - set(parser.process_parsers))
        if not missing:
            return
        for key in missing:
            document = library(key)
            if document is None:
                raise InvalidModel(
                    [Problem(f"calls process '{key}', which is neither in this file nor deployed")]
                )
            parser.add_bpmn_xml(parse_bpmn(document, max_bytes=max_bytes).getroottree(), key)
    raise InvalidModel([Problem(f"call activities nest deeper than {_MAX_CALL_DEPTH} levels")])


def _build_one(
    parser: SpiffBpmnParser, root: etree._Element, key: str, check_form: FormCheck, budget: Budget
) -> BuiltProcess:
    with _structural_errors():
        spec = parser.get_spec(key)
        subprocess_specs: dict[str, Any] = parser.get_subprocess_specs(key)
    problems = lint(spec, subprocess_specs, check_form=check_form, budget=budget)
    specs = [spec, *subprocess_specs.values()]
    return BuiltProcess(
        key=key,
        name=spec.description or key,
        documentation=_process_documentation(root, key),
        spec=dump_spec(spec, subprocess_specs),
        forms=tuple(forms_named(specs)),
        kinds=tuple(lane_kinds(specs)),
        problems=tuple(problems),
    )


def _process_documentation(root: etree._Element, key: str) -> str | None:
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        if process.get("id") == key:
            doc = process.find(f"{{{BPMN_NS}}}documentation")
            return doc.text.strip() if doc is not None and doc.text else None
    return None


@contextmanager
def _structural_errors() -> Iterator[None]:
    """SpiffWorkflow's parse and validation errors as `InvalidModel`, with element ids."""
    try:
        yield
    except ValidationException as error:
        raise InvalidModel([Problem(_message(error), getattr(error, "id", None) or None)]) from None
    except (SpiffWorkflowException, etree.LxmlError) as error:
        raise InvalidModel([Problem(_message(error))]) from None


def _message(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:300]
