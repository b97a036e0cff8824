"""How many BPMN models drawn in other tools Pathways takes, and why it refuses the rest.

For every `.bpmn` under DIR (recursively):
- does plain SpiffWorkflow (`SpiffBpmnParser`, no schema check) parse it and build the
  specs of its executable processes, and does it have an executable process at all;
- of those, does `pathways` validation accept it as it is, and with only a default
  organisation (`defaultOrganisation` = municipality) set on each executable process.

A call activity finds its process in any file under DIR, for both parsers. Prints the
counts, the ratios and the refusal reasons (the first line of each problem, with quoted
names and ids blanked so that like groups with like), then with `--json` one JSON object
on the last line.

Usage: python bench/foreign_models.py DIR [--json] [--top N]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

import twin_runs
from figures import add_json_flag, emit
from pathways.engine import Budget, BuiltProcess, build
from pathways.errors import InvalidModel
from pathways.forms.service import FormCatalog

ROOT = Path(__file__).parents[1]
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
MAX_BYTES = 5_000_000
BUDGET = Budget(seconds=0.5)
FORMS = FormCatalog(ROOT / "forms")


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _tree(path: Path) -> etree._ElementTree | None:
    try:
        return etree.parse(str(path), _safe_parser())
    except (etree.LxmlError, OSError, ValueError):
        return None


def _processes(tree: etree._ElementTree | None) -> list[etree._Element]:
    if tree is None:
        return []
    return list(tree.getroot().iter(f"{{{BPMN_NS}}}process"))


def _executable(tree: etree._ElementTree | None) -> list[str]:
    return [p.get("id", "") for p in _processes(tree) if p.get("isExecutable") == "true"]


def index(files: list[Path]) -> dict[str, Path]:
    """The file that defines each process id under the folder."""
    found: dict[str, Path] = {}
    for path in files:
        for process in _processes(_tree(path)):
            found.setdefault(process.get("id", ""), path)
    return found


def plain_spiff_accepts(path: Path, keys: list[str], library: dict[str, Path]) -> bool:
    try:
        parser = SpiffBpmnParser()
        tree = _tree(path)
        if tree is None:
            return False
        parser.add_bpmn_xml(tree, str(path))
        for _ in range(16):
            missing = parser.get_process_dependencies() - set(parser.process_parsers)
            if not missing or not all(key in library for key in missing):
                break
            for key in missing:
                called = _tree(library[key])
                if called is None:
                    return False
                parser.add_bpmn_xml(called, str(library[key]))
        for key in keys:
            parser.get_spec(key)
            parser.get_subprocess_specs(key)
    except Exception:  # noqa: BLE001 - any failure of the plain parser is a refusal
        return False
    return True


def pathways_build(data: bytes, library: dict[str, Path]) -> tuple[list[BuiltProcess], list[str]]:
    """What Pathways builds, and the first line of each problem it names (none: accepted)."""

    def called(key: str) -> bytes | None:
        return library[key].read_bytes() if key in library else None

    try:
        built = build(
            data, max_bytes=MAX_BYTES, check_form=FORMS.problem, budget=BUDGET, library=called
        )
    except InvalidModel as error:
        return [], [p.message for p in error.problems]
    except Exception as error:  # noqa: BLE001 - a crash is a refusal, counted as such
        return [], [f"crash: {type(error).__name__}"]
    return built, [p.message for process in built for p in process.problems]


def run_difference(path: Path, built: list[BuiltProcess], library: dict[str, Path]) -> str | None:
    """What differs between Pathways' run and plain SpiffWorkflow's, for each process built."""
    try:
        parser = twin_runs.plain_parser(
            path.read_bytes(), lambda key: library[key].read_bytes() if key in library else None
        )
    except Exception as error:  # noqa: BLE001 - the plain side could not even be set up
        return f"plain parser: {type(error).__name__}"
    for process in built:
        difference = twin_runs.compare(process.spec, parser, process.key, BUDGET)
        if difference is not None:
            return difference
    return None


def with_default_organisation(data: bytes) -> bytes:
    """The model with `defaultOrganisation` = municipality on each executable process."""
    root = etree.fromstring(data, _safe_parser())
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        if process.get("isExecutable") != "true":
            continue
        extensions = process.find(f"{{{BPMN_NS}}}extensionElements")
        if extensions is None:
            extensions = etree.Element(f"{{{BPMN_NS}}}extensionElements")
            process.insert(0, extensions)
        group = etree.SubElement(extensions, f"{{{SPIFF_NS}}}properties")
        item = etree.SubElement(group, f"{{{SPIFF_NS}}}property")
        item.set("name", "defaultOrganisation")
        item.set("value", "municipality")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\([^()]*\)")
_NUMBERS = re.compile(r"\b\d+\b")
_LISTS = re.compile(r"…[… ,]*(?: and N more)?")


def reason(message: str) -> str:
    """The problem's first sentence, with names, ids, numbers and lists of them blanked."""
    first = message.strip().splitlines()[0] if message.strip() else "(empty)"
    first = first.split(". ")[0]
    first = _LISTS.sub("… ", _NUMBERS.sub("N", _QUOTED.sub("…", first))).replace("  ", " ")
    return first.replace("N step is", "N steps are")[:100].strip()


@dataclass
class Tally:
    files: int = 0
    spiff_parses: int = 0
    executable: int = 0
    accepted: int = 0
    accepted_with_default: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    reasons_with_default: Counter[str] = field(default_factory=Counter)
    runs_matching: int = 0
    run_differences: Counter[str] = field(default_factory=Counter)
    differing: list[Path] = field(default_factory=list)

    def add(self, path: Path, library: dict[str, Path]) -> None:
        self.files += 1
        keys = _executable(_tree(path))
        parsed = plain_spiff_accepts(path, keys, library)
        self.spiff_parses += parsed
        if not (parsed and keys):
            return
        self.executable += 1
        data = path.read_bytes()
        built, found = pathways_build(data, library)
        self.accepted += not found
        self.reasons.update({reason(m) for m in found})
        if found:
            built, again = pathways_build(with_default_organisation(data), library)
        else:
            again = []
        self.accepted_with_default += not again
        self.reasons_with_default.update({reason(m) for m in again})
        if not again:
            difference = run_difference(path, built, library)
            self.runs_matching += difference is None
            if difference is not None:
                self.run_differences[difference] += 1
                self.differing.append(path)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def report(tally: Tally, top: int) -> dict[str, float]:
    figures = {
        "files": float(tally.files),
        "spiff_parses": float(tally.spiff_parses),
        "spiff_accepts_executable": float(tally.executable),
        "pathways_accepts": float(tally.accepted),
        "pathways_accepts_with_default_organisation": float(tally.accepted_with_default),
        "pathways_ratio": _ratio(tally.accepted, tally.executable),
        "pathways_ratio_with_default_organisation": _ratio(
            tally.accepted_with_default, tally.executable
        ),
        "runs_matching_spiffworkflow": float(tally.runs_matching),
        "runs_matching_ratio": _ratio(tally.runs_matching, tally.accepted_with_default),
    }
    print(f"{'what':<56} {'count':>7}")
    for name, value in figures.items():
        shown = f"{value:.3f}" if "ratio" in name else f"{int(value)}"
        print(f"{name:<56} {shown:>7}")
    for title, counts in (
        ("refusal reasons as drawn (files)", tally.reasons),
        ("refusal reasons with a default organisation (files)", tally.reasons_with_default),
    ):
        print(f"\n{title}")
        for text, count in counts.most_common(top):
            print(f"{count:>5}  {text}")
    if tally.differing:
        print("\nruns that differ from plain SpiffWorkflow")
        for text, count in tally.run_differences.most_common(top):
            print(f"{count:>5}  {text}")
        for path in tally.differing[:top]:
            print(f"       {path}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--top", type=int, default=15, help="reasons listed per table")
    add_json_flag(parser)
    args = parser.parse_args()
    files = sorted(p for p in args.folder.rglob("*.bpmn") if p.is_file())
    library = index(files)
    tally = Tally()
    for path in files:
        tally.add(path, library)
    figures = report(tally, args.top)
    if args.json:
        emit(figures)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
