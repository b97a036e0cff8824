"""Model problems are page texts: every template the engine and the processes build a
`Problem` or a `Text` from is in the fi and sv catalogues, with the same places."""

from __future__ import annotations

import ast
import re
import string

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from pathways.errors import Problem, Text
from tests.pages.test_languages import ROOT, catalogue

SOURCES = ROOT / "src" / "pathways"
# As `make messages` extracts them (its `-k Problem -k Text`; `N_` is a default keyword).
KEYWORDS = {"Problem": None, "Text": None, "N_": None}


def problem_templates() -> set[str]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        SOURCES, method_map, options_map, keywords=KEYWORDS
    ):
        found.update([message] if isinstance(message, str) else message)
    return found


def places(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_engines_templates_are_found_by_extraction():
    templates = problem_templates()
    assert "the file is empty" in templates
    assert "timer value '{value}' is more than {years} years away" in templates
    assert "process {element} has no start event" in templates  # marked with N_
    assert len(templates) > 80


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_problem_template_has_a_translation_with_the_same_places(language):
    translated = catalogue(language)
    templates = problem_templates()
    missing = sorted(templates - set(translated))
    assert not missing, f"problem templates untranslated in {language}: {missing}"
    wrong = [t for t in sorted(templates) if places(translated[t]) != places(t)]
    assert not wrong, f"translations in {language} that name other places: {wrong}"


def _problem_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and node.args
        and (
            (isinstance(node.func, ast.Name) and node.func.id in ("Problem", "Text"))
            or (isinstance(node.func, ast.Attribute) and node.func.attr in ("problem", "note"))
        )
    ]


def test_no_problem_is_built_from_text_assembled_in_code():
    # An f-string or a sum escapes extraction and would reach a Finnish designer in English.
    assembled = []
    for path in sorted(SOURCES.rglob("*.py")):
        for call in _problem_calls(ast.parse(path.read_text(), str(path))):
            if isinstance(call.args[0], ast.JoinedStr | ast.BinOp):
                assembled.append(f"{path.relative_to(SOURCES)}:{call.lineno}")
    assert not assembled, f"problems built from assembled text: {assembled}"


def test_a_problem_reads_in_english_and_renders_its_template_through_a_catalogue():
    problem = Problem(
        "{where} has no output column", "Table_1", where=Text("decision table '{table}'", table="T")
    )
    finnish = {
        "{where} has no output column": "{where}: ei tulossaraketta",
        "decision table '{table}'": "päätöstaulu '{table}'",
    }
    assert problem.message == "decision table 'T' has no output column"
    assert problem.render(lambda t: finnish.get(t, t)) == "päätöstaulu 'T': ei tulossaraketta"


def test_values_are_shown_as_they_are_and_a_broken_translation_falls_back_to_english():
    problem = Problem("lane '{lane}' names no organisation kind", "T", lane="{x} Kunta")
    assert (
        problem.render(lambda t: "kaista '{kaista}'")
        == "lane '{x} Kunta' names no organisation kind"
    )
    assert re.fullmatch(r"kaista '\{x\} Kunta'", problem.render(lambda t: "kaista '{lane}'"))
