"""From an uploaded BPMN file to specs ready to deploy, with every problem found.

Structural faults (XML, the BPMN schema, a missing start event or called process) stop
the build with `InvalidModel`. Lint problems are returned with each process so a model
can still be kept as a draft while they are fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from pathways.engine import decisions as dmn
from pathways.engine.bpmn_xml import BPMN_NS, executable_process_ids, parse_bpmn
from pathways.engine.dmn_xml import (
    DecisionFile,
    ParsedDecisions,
    called_decisions,
    policy_problems,
)
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
    # Each decision its business rule tasks call, with its DMN file, kept with the version.
    decisions: tuple[tuple[str, DecisionFile], ...] = ()


def build(
    data: bytes,
    *,
    max_bytes: int,
    check_form: FormCheck,
    budget: Budget,
    library: Library = lambda _key: None,
    decision_files: Sequence[DecisionFile] = (),
    decision_library: dmn.DecisionLibrary = lambda _id: None,
) -> list[BuiltProcess]:
    """Every executable process in `data`, built and linted, with the DMN files given."""
    root = parse_bpmn(data, max_bytes=max_bytes)
    keys = executable_process_ids(root)
    if not keys:
        raise InvalidModel([Problem('the file has no executable process (isExecutable="true")')])
    given = dmn.read_files(decision_files, max_bytes=max_bytes)
    deployed = {ref for _, _, ref in called_decisions(root) if ref and ref not in given}
    known = set(given) | {ref for ref in deployed if decision_library(ref) is not None}
    missing = dmn.missing_references(root, known)
    if missing:
        raise InvalidModel(missing)
    parser = SpiffBpmnParser(validator=VALIDATOR)
    with _structural_errors():
        parser.add_bpmn_xml(root.getroottree(), "model.bpmn")
        _add_called_processes(parser, library, max_bytes)
        used = dmn.resolve(
            parser.get_dmn_dependencies(), given, decision_library, max_bytes=max_bytes
        )
        for parsed in {id(p): p for p in used.values()}.values():
            parser.add_dmn_xml(parsed.root, parsed.name)
    return [_build_one(parser, root, key, check_form, budget, used) for key in keys]


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
    parser: SpiffBpmnParser,
    root: etree._Element,
    key: str,
    check_form: FormCheck,
    budget: Budget,
    available: dict[str, ParsedDecisions],
) -> BuiltProcess:
    with _structural_errors():
        spec = parser.get_spec(key)
        subprocess_specs: dict[str, Any] = parser.get_subprocess_specs(key)
    specs = [spec, *subprocess_specs.values()]
    problems = lint(spec, subprocess_specs, check_form=check_form, budget=budget)
    used = {d: available[d] for d in dmn.decisions_used(specs, available.values())}
    for parsed in used.values():
        problems.extend(policy_problems(parsed))
    problems.extend(dmn.lint_tables(specs, budget))
    return BuiltProcess(
        key=key,
        name=spec.description or key,
        documentation=_process_documentation(root, key),
        spec=dump_spec(spec, subprocess_specs),
        forms=tuple(forms_named(specs)),
        kinds=tuple(lane_kinds(specs)),
        problems=tuple(problems),
        decisions=tuple((d, DecisionFile(p.name, p.data)) for d, p in used.items()),
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
