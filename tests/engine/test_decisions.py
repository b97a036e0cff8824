"""Business rule tasks: decision tables deployed with the model, linted, run in the sandbox.

Where a case passes a business rule task, its data must be what plain SpiffWorkflow
gives for the same model, tables and data: the sandbox changes where expressions run,
not what a table decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from pathways.engine import Budget, Pathway, build
from pathways.engine.dmn_xml import DecisionFile
from pathways.errors import InvalidModel, ScriptFailure
from pathways.forms.service import FormCatalog

TESTS = Path(__file__).parents[1]
FORMS = FormCatalog(TESTS / "forms")
BUDGET = Budget(seconds=0.5, max_size=100_000)
MODEL = (TESTS / "bpmn" / "decide.bpmn").read_bytes()
TABLES = {p.stem: p.read_text() for p in (TESTS / "dmn").glob("*.dmn")}


def files(**replaced: str) -> list[DecisionFile]:
    tables = {**TABLES, **replaced}
    return [DecisionFile(f"{name}.dmn", text.encode()) for name, text in sorted(tables.items())]


def built(decision_files: list[DecisionFile], model: bytes = MODEL, **options):
    return build(
        model,
        max_bytes=2_000_000,
        check_form=FORMS.problem,
        budget=BUDGET,
        decision_files=decision_files,
        **options,
    )


def problems(decision_files: list[DecisionFile]) -> list[str]:
    return [str(p) for process in built(decision_files) for p in process.problems]


def refused(decision_files: list[DecisionFile], model: bytes = MODEL, **options) -> list[str]:
    with pytest.raises(InvalidModel) as error:
        built(decision_files, model, **options)
    return [str(p) for p in error.value.problems]


def data_at_review(pathway: Pathway, data: dict) -> dict:
    started = pathway.start(data)
    (review,) = started.open_tasks
    workflow = pathway.load(started.state, started.serializer_version)
    return dict(workflow.get_task_from_id(review_id(workflow, review.spiff_id)).data)


def review_id(workflow: BpmnWorkflow, spiff_id: str):
    return next(t.id for t in workflow.get_tasks() if str(t.id) == spiff_id)


def plain_spiffworkflow(data: dict) -> dict:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(TESTS / "bpmn" / "decide.bpmn"))
    parser.add_dmn_files([str(p) for p in sorted((TESTS / "dmn").glob("*.dmn"))])
    workflow = BpmnWorkflow(parser.get_spec("decide"))
    workflow.task_tree.data.update(data)
    workflow.do_engine_steps()
    (review,) = workflow.get_tasks(state=TaskState.READY, manual=True)
    return dict(review.data)


CASES = [
    {"age": 16, "language": "fi", "jobseeker": False},
    {"age": 30, "language": "ar", "jobseeker": True},
    {"age": 70, "language": "so", "jobseeker": False},
    {"age": 17, "language": "sv", "jobseeker": True},
]


def test_a_model_with_its_tables_builds_clean_and_keeps_the_tables_it_calls():
    (process,) = built(files())
    assert process.problems == ()
    assert [(decision, file.name) for decision, file in process.decisions] == [
        ("collect_offices", "collect_offices.dmn"),
        ("first_service", "first_service.dmn"),
        ("support_level", "support_level.dmn"),
    ]


@pytest.mark.parametrize("data", CASES)
def test_a_case_gets_what_plain_spiffworkflow_decides(data):
    (process,) = built(files())
    assert data_at_review(Pathway(process.spec, BUDGET), data) == plain_spiffworkflow(data)


def test_unique_first_and_collect_give_the_first_match_or_every_match():
    (process,) = built(files())
    decided = data_at_review(Pathway(process.spec, BUDGET), CASES[3])
    assert decided["level"] == "youth"  # UNIQUE: the one rule for under 18
    # FIRST: the training rule comes before the language rule that matches too.
    assert (decided["service"], decided["plan"]) == ("integration training", {"days": 30})
    # COLLECT: every matching rule's output, in table order.
    assert decided["offices"] == ["municipality", "wellbeing county", "employment area"]
    adult = data_at_review(Pathway(process.spec, BUDGET), CASES[2])
    assert (adult["level"], adult["service"], adult["plan"]) == ("older", "guidance", {"days": 140})


def test_a_version_evaluates_the_tables_it_was_built_with():
    (first,) = built(files())
    changed = TABLES["support_level"].replace('"youth"', '"young person"')
    (second,) = built(files(support_level=changed))
    assert data_at_review(Pathway(first.spec, BUDGET), CASES[0])["level"] == "youth"
    assert data_at_review(Pathway(second.spec, BUDGET), CASES[0])["level"] == "young person"


def test_a_deployed_decision_serves_a_model_given_without_its_file():
    deployed = {name: DecisionFile(f"{name}.dmn", text.encode()) for name, text in TABLES.items()}
    (process,) = built([], decision_library=deployed.get)
    assert process.problems == ()
    assert {decision for decision, _ in process.decisions} == set(TABLES)


def test_a_business_rule_task_without_a_decision_is_refused_naming_the_task():
    model = MODEL.replace(
        b"<spiffworkflow:calledDecisionId>first_service</spiffworkflow:calledDecisionId>", b""
    )
    assert refused(files(), model) == [
        "service: business rule task 'First service' names no decision: set its calledDecisionId"
    ]


def test_a_decision_in_no_file_and_not_deployed_is_refused_naming_task_and_decision():
    without = [f for f in files() if f.name != "collect_offices.dmn"]
    assert refused(without) == [
        "offices: business rule task 'Offices to notify' calls decision 'collect_offices',"
        " which is neither in a DMN file given with the model nor deployed"
    ]


def test_hit_policies_the_engine_does_not_honour_are_problems_of_the_decision():
    any_policy = TABLES["support_level"].replace('hitPolicy="UNIQUE"', 'hitPolicy="ANY"')
    summed = TABLES["collect_offices"].replace(
        'hitPolicy="COLLECT"', 'hitPolicy="COLLECT" aggregation="COUNT"'
    )
    found = problems(files(support_level=any_policy, collect_offices=summed))
    assert found == [
        "collect_offices: decision 'collect_offices': COLLECT with an aggregation (COUNT) is not"
        " supported; collect the values and sum or count them in a script",
        "support_level: decision 'support_level': hit policy ANY is not supported"
        " (use one of: UNIQUE, FIRST, COLLECT)",
    ]


def test_expressions_that_do_not_compile_in_the_sandbox_are_problems_of_their_column_or_rule():
    escape = "().__class__.__base__.__subclasses__()"
    hostile_input = TABLES["support_level"].replace("<text>age</text>", f"<text>{escape}</text>")
    hostile_rule = TABLES["first_service"].replace("<text>age * 2</text>", f"<text>{escape}</text>")
    found = problems(files(support_level=hostile_input, first_service=hostile_rule))
    assert [p.split(":")[0] for p in found] == ["support_age", "service_guidance"]
    assert found[1].startswith(
        "service_guidance: decision table 'first_service_table', rule 3 (service_guidance):"
        " output entry does not compile in the sandbox"
    )
    assert found[0].startswith(
        "support_age: decision table 'support_level_table': input expression does not compile"
        " in the sandbox"
    )


def test_an_entry_that_is_no_expression_and_an_output_without_a_name_are_problems():
    broken = (
        TABLES["support_level"]
        .replace("<text>&gt;= 65</text>", "<text>&gt;= = 65</text>")
        .replace('label="Level" name="level"', 'label="Level"')
    )
    assert problems(files(support_level=broken)) == [
        "support_out: decision table 'support_level_table': output 'Level' needs a name that is"
        " a variable name, such as eligible or plan.kind",
        "support_older: decision table 'support_level_table', rule 3 (support_older): input"
        " entry '>= = 65' is not an expression",
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
            + TABLES["support_level"].split("?>", 1)[1],
            "a DOCTYPE is not allowed in a DMN file",
        ),
        ("<definitions", "not well-formed XML"),
        (
            TABLES["support_level"]
            .replace("<decision ", "<decisionX ")
            .replace("</decision>", "</decisionX>"),
            "the file defines no decision",
        ),
    ],
)
def test_unsafe_or_broken_dmn_is_refused_naming_the_file(text, reason):
    (message,) = refused(files(support_level=text))
    assert message.startswith(f"support_level.dmn: {reason}")


def test_a_file_with_two_decisions_is_refused():
    second = TABLES["collect_offices"].split("<decision ", 1)[1].rsplit("</definitions>", 1)[0]
    doubled = TABLES["support_level"].replace("</definitions>", f"<decision {second}</definitions>")
    assert refused(files(support_level=doubled)) == [
        "collect_offices: support_level.dmn: support_level.dmn defines 2 decisions: put each"
        " decision in a file of its own",
        "collect_offices: decision 'collect_offices' is defined in two files",
    ]


def test_a_hostile_rule_that_slipped_past_lint_runs_in_the_sandbox_and_fails_the_step():
    escape = "().__class__.__base__.__subclasses__()"
    hostile = TABLES["first_service"].replace("<text>age * 2</text>", f"<text>{escape}</text>")
    (process,) = built(files(first_service=hostile))
    assert process.problems  # refused at deploy; a draft still builds its spec
    with pytest.raises(ScriptFailure, match="service"):
        Pathway(process.spec, BUDGET).start(CASES[2])


def test_a_runaway_input_expression_is_stopped_by_the_time_budget():
    endless = TABLES["support_level"].replace(
        "<text>age</text>", "<text>[i for i in range(10**12)][0] + age</text>"
    )
    (process,) = built(files(support_level=endless))
    with pytest.raises(ScriptFailure, match="level"):
        Pathway(process.spec, BUDGET).start(CASES[0])


def test_an_entry_the_engine_would_glue_to_its_input_is_a_problem_with_the_fix():
    glued = TABLES["first_service"].replace('? in ["fi", "sv"]', 'in ["fi", "sv"]')
    assert problems(files(first_service=glued)) == [
        "service_course: decision table 'first_service_table', rule 2 (service_course): input"
        ' entry \'in ["fi", "sv"]\' would run as \'languagein ["fi", "sv"]\': write it as'
        ' \'? in ["fi", "sv"]\''
    ]


def test_an_output_the_serializer_would_misread_fails_the_step_instead_of_the_case():
    tagged = TABLES["support_level"].replace('"youth"', '{"typename": "nonexistent"}')
    (process,) = built(files(support_level=tagged))
    with pytest.raises(ScriptFailure, match="level: .*reserved key 'typename'"):
        Pathway(process.spec, BUDGET).start(CASES[0])
