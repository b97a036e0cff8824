"""From an uploaded BPMN file to specs ready to deploy, with every problem found.

Structural faults (XML, the BPMN schema, a missing start event or called process) stop
the build with `InvalidModel`, all of them at once (see `structure`), and no exception
of the parser on an untrusted file escapes as anything but a problem. Lint problems are
returned with each process so a model can still be kept as a draft while they are fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from pathways.engine import decisions as dmn
from pathways.engine import structure
from pathways.engine.bpmn_xml import (
    BPMN_NS,
    executable_process_ids,
    owning_processes,
    parse_bpmn,
    process_ids,
)
from pathways.engine.dmn_xml import (
    DecisionFile,
    ParsedDecisions,
    called_decisions,
    policy_problems,
)
from pathways.engine.lanes import apply_defaults
from pathways.engine.lint import FormCheck, forms_named, lane_kinds, lint
from pathways.engine.sandbox import Budget
from pathways.engine.serialization import dump_spec
from pathways.engine.timer_literals import quote_timer_literals
from pathways.errors import InvalidModel, Problem
from pathways.organisation_kinds import OrganisationKind

# The XML of a deployed model that defines a process id, for call activities.
Library = Callable[[str], bytes | None]

_MAX_CALL_DEPTH = 16
_T = TypeVar("_T")


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
    """Every executable process in `data`, built and linted, with the DMN files given.

    Structural faults of the file, its processes and the processes they call raise
    `InvalidModel` together, with the lint problems of whatever did build.
    """
    root = parse_bpmn(data, max_bytes=max_bytes)
    quote_timer_literals(root)
    keys = executable_process_ids(root)
    if not keys:
        raise InvalidModel([Problem('the file has no executable process (isExecutable="true")')])
    given = dmn.read_files(decision_files, max_bytes=max_bytes)
    deployed = {ref for _, _, ref in called_decisions(root) if ref and ref not in given}
    known = set(given) | {ref for ref in deployed if decision_library(ref) is not None}
    faults = structure.problems(root) + dmn.missing_references(root, known)
    run = _Run(root, max_bytes, faults=faults)
    if not run.guarded(lambda: run.parser.add_bpmn_xml(root.getroottree(), "model.bpmn")):
        raise InvalidModel(run.faults)
    run.guarded(lambda: run.add_called_processes(library))
    run.guarded(lambda: run.add_decisions(given, decision_library, known))
    built = [b for key in keys if (b := run.build_one(key, check_form, budget))]
    if run.faults:
        raise InvalidModel(run.faults + [p for b in built for p in b.problems])
    return built


def defined_processes(data: bytes, *, max_bytes: int) -> list[str]:
    """The ids of the processes a document defines; none if it cannot be read."""
    try:
        return process_ids(parse_bpmn(data, max_bytes=max_bytes))
    except InvalidModel:
        return []


def called_processes(data: bytes, *, max_bytes: int) -> list[str]:
    """The process ids a document's call activities name; none if it cannot be read."""
    try:
        root = parse_bpmn(data, max_bytes=max_bytes)
    except InvalidModel:
        return []
    return sorted(set(_callers(root)) - {""})


@dataclass
class _Run:
    """One build: the parser, the faults found so far and what every spec needs."""

    root: etree._Element
    max_bytes: int
    faults: list[Problem]
    parser: SpiffBpmnParser = field(default_factory=SpiffBpmnParser)  # schema checked above
    unknown: set[str] = field(default_factory=set)  # called processes nobody defines
    decisions: dict[str, ParsedDecisions] = field(default_factory=dict)  # by decision id
    defaults: dict[str, OrganisationKind] = field(init=False)

    def __post_init__(self) -> None:
        self.defaults = _defaults(self.root)

    def add_called_processes(self, library: Library) -> None:
        callers = _callers(self.root)
        for _ in range(_MAX_CALL_DEPTH):
            known = set(self.parser.process_parsers) | self.unknown
            missing = sorted(self.parser.get_process_dependencies() - known)
            if not missing:
                return
            for key in missing:
                document = _outside(library, key)
                if document is None:
                    self.unknown.add(key)
                    self.faults.append(
                        Problem(
                            "calls process '{process}', which is neither in this file nor deployed",
                            callers.get(key),
                            process=key[:80],
                        )
                    )
                    continue
                called = parse_bpmn(document, max_bytes=self.max_bytes)
                quote_timer_literals(called)
                self.defaults.update(_defaults(called))
                self.parser.add_bpmn_xml(called.getroottree(), key)
        self.faults.append(
            Problem("call activities nest deeper than {levels} levels", levels=_MAX_CALL_DEPTH)
        )

    def add_decisions(
        self, given: dict[str, ParsedDecisions], library: dmn.DecisionLibrary, known: set[str]
    ) -> None:
        # Decisions nobody has are named already; the rest still build and lint.
        wanted = [d for d in self.parser.get_dmn_dependencies() if d in known]
        asked: dmn.DecisionLibrary = partial(_outside, library)
        self.decisions = dmn.resolve(wanted, given, asked, max_bytes=self.max_bytes)
        for parsed in {id(p): p for p in self.decisions.values()}.values():
            self.parser.add_dmn_xml(parsed.root, parsed.name)

    def build_one(self, key: str, check_form: FormCheck, budget: Budget) -> BuiltProcess | None:
        specs: dict[str, Any] = {}

        def parse() -> None:
            specs[key] = self.parser.get_spec(key)
            if not self.unknown:  # else they are named already: lint what there is
                specs.update(self.parser.get_subprocess_specs(key))

        if not self.guarded(parse):
            return None
        spec = specs.pop(key)
        apply_defaults({key: spec, **specs}, self.defaults)
        problems: list[Problem] = []
        if not self.guarded(
            lambda: problems.extend(lint(spec, specs, check_form=check_form, budget=budget))
        ):
            return None
        every = [spec, *specs.values()]
        used = {d: self.decisions[d] for d in dmn.decisions_used(every, self.decisions.values())}
        for parsed in used.values():
            problems.extend(policy_problems(parsed))
        if not self.guarded(lambda: problems.extend(dmn.lint_tables(every, budget))):
            return None
        return BuiltProcess(
            key=key,
            name=spec.description or key,
            documentation=_process_documentation(self.root, key),
            spec=dump_spec(spec, specs),
            forms=tuple(forms_named(every)),
            kinds=tuple(lane_kinds(every)),
            problems=tuple(problems),
            decisions=tuple((d, DecisionFile(p.name, p.data)) for d, p in used.items()),
        )

    def guarded(self, step: Callable[[], object]) -> bool:
        """Run one step on the untrusted model; a failure becomes a fault, never a crash.

        A fault SpiffWorkflow finds on an element the structural checks already named is
        left out: theirs says what to do, the parser's only what it met. So is a crash
        of the parser after a named fault, which it most likely comes from.
        """
        try:
            step()
        except _OutsideFailure as failure:  # the caller's lookup failed, not the model
            raise failure.cause from None
        except InvalidModel as error:
            self.faults.extend(error.problems)
        except ValidationException as error:
            element = getattr(error, "id", None) or None
            if element is None or all(p.element_id != element for p in self.faults):
                self.faults.append(Problem(_message(error, getattr(error, "name", "")), element))
        except (SpiffWorkflowException, etree.LxmlError) as error:
            self.faults.append(Problem(_message(error)))
        except Exception as error:  # noqa: BLE001 - an untrusted file must never crash us
            if not self.faults:  # else most likely a consequence of a fault already named
                why = f"{type(error).__name__}: {_message(error)}"
                self.faults.append(Problem("the model cannot be read: {reason}", reason=why))
        else:
            return True
        return False


class _OutsideFailure(Exception):
    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _outside(lookup: Callable[[str], _T], key: str) -> _T:
    """Ask the caller's library; what goes wrong there is theirs to report, not a fault
    of the model (a database that is not set up, say)."""
    try:
        return lookup(key)
    except InvalidModel:
        raise
    except BaseException as error:
        raise _OutsideFailure(error) from error


def _defaults(root: etree._Element) -> dict[str, OrganisationKind]:
    """The default organisation of each spec the document yields, where its process names one."""
    processes = {p.get("id", ""): p for p in root.iterfind(f"{{{BPMN_NS}}}process")}
    found: dict[str, OrganisationKind] = {}
    for spec_name, owner in owning_processes(root).items():
        kind = structure.default_organisation(processes[owner])
        if kind is not None:
            found[spec_name] = kind
    return found


def _callers(root: etree._Element) -> dict[str, str]:
    """For each process called in the document, the id of a call activity that calls it."""
    found: dict[str, str] = {}
    for call in root.iter(f"{{{BPMN_NS}}}callActivity"):
        found.setdefault(call.get("calledElement", ""), call.get("id", ""))
    return found


def _process_documentation(root: etree._Element, key: str) -> str | None:
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        if process.get("id") == key:
            doc = process.find(f"{{{BPMN_NS}}}documentation")
            return doc.text.strip() if doc is not None and doc.text else None
    return None


def _message(error: BaseException, name: str = "") -> str:
    lines = str(error).strip().splitlines()
    text = (lines[0] if lines else type(error).__name__)[:300]
    return f"'{name[:80]}': {text}" if name else text
