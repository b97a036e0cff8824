"""Every shipped model deploys cleanly and reads at a glance; every form refuses what it forbids."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from pathways.engine import Budget, build
from pathways.errors import InvalidData
from pathways.forms.service import FormCatalog, validate_submission
from tests.conftest import ROOT
from tests.pathways.conftest import BPMN, PATHWAYS, SHARED

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
FORMS = FormCatalog(ROOT / "forms")
MODELS = (*SHARED, *PATHWAYS)
FLOW_NODES = [
    "startEvent",
    "endEvent",
    "userTask",
    "scriptTask",
    "callActivity",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "boundaryEvent",
    "intermediateCatchEvent",
]


def test_every_model_builds_without_a_lint_problem():
    library: dict[str, bytes] = {}
    for name in MODELS:
        data = (BPMN / f"{name}.bpmn").read_bytes()
        built = build(
            data,
            max_bytes=2_000_000,
            check_form=FORMS.problem,
            budget=Budget(seconds=0.5, max_size=100_000),
            library=library.get,
        )
        assert [(b.key, b.problems) for b in built] == [(name.replace("-", "_"), ())]
        library[built[0].key] = data


def test_every_pathway_deploys_through_the_service(library, db):
    from pathways.processes import service as processes

    with db.tx() as s:
        keys = {model.key for model, _count, deployed in processes.list_models(s) if deployed}
    assert keys == {name.replace("-", "_") for name in MODELS}


def _bounds(shape: etree._Element) -> tuple[float, float, float, float]:
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))  # type: ignore[return-value]


def _layout(name: str):
    root = etree.parse(str(BPMN / f"{name}.bpmn")).getroot()
    shapes = {s.get("bpmnElement"): _bounds(s) for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    process = root.find("bpmn:process", NS)
    nodes = {el.get("id"): el for kind in FLOW_NODES for el in process.iterfind(f"bpmn:{kind}", NS)}
    return root, process, shapes, nodes


def _inside(inner, outer) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


@pytest.mark.parametrize("name", MODELS)
def test_every_step_is_drawn_inside_its_lane(name):
    _root, process, shapes, nodes = _layout(name)
    placed = set()
    for lane in process.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            assert _inside(shapes[ref.text], shapes[lane.get("id")]), (ref.text, lane.get("name"))
            placed.add(ref.text)
    assert placed == set(nodes)


@pytest.mark.parametrize("name", MODELS)
def test_no_two_steps_overlap(name):
    _root, _process, shapes, nodes = _layout(name)
    # A boundary event sits on the edge of its activity by design.
    boxes = [(i, shapes[i]) for i, el in nodes.items() if not el.tag.endswith("boundaryEvent")]
    for n, (a, (ax, ay, aw, ah)) in enumerate(boxes):
        for b, (bx, by, bw, bh) in boxes[n + 1 :]:
            apart = ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
            assert apart, (a, b)


@pytest.mark.parametrize("name", MODELS)
def test_flows_run_left_to_right_except_named_loops(name):
    root, process, shapes, _nodes = _layout(name)
    edges = {e.get("bpmnElement"): e for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    for flow in process.iterfind("bpmn:sequenceFlow", NS):
        points = [
            (float(p.get("x")), float(p.get("y")))
            for p in edges[flow.get("id")].iterfind("di:waypoint", NS)
        ]
        source, target = shapes[flow.get("sourceRef")], shapes[flow.get("targetRef")]
        if flow.get("id").startswith("Flow_loop_"):
            # A loop back leaves downwards and comes up into its target from below.
            assert points[1][1] > points[0][1] and points[-2][1] > points[-1][1], flow.get("id")
            continue
        # Target's centre right of the source's left edge: escalations hang straight below.
        assert target[0] + target[2] / 2 >= source[0], flow.get("id")
        assert all(b[0] >= a[0] for a, b in zip(points, points[1:], strict=False)), flow.get("id")


@pytest.mark.parametrize("name", MODELS)
def test_each_model_states_its_legal_basis_and_the_status_of_its_durations(name):
    _root, process, _shapes, _nodes = _layout(name)
    text = process.find("bpmn:documentation", NS).text
    assert "Legal basis:" in text and "Durations" in text
    assert "[law" in text or "[guidance" in text
    assert "[assumed" in text


REFUSED = [
    ("initial-assessment", {"languages": [], "literacy": "literate_latin_alphabet"}),
    ("initial-assessment", {**{"languages": [{"language": "ar", "level": "native"}]}}),
    (
        "eligibility",
        {"first_permit_on": "not a date", "within_three_years": True, "trafficking_victim": False},
    ),
    (
        "plan-review",
        {
            "review_held_on": "2027-01-01",
            "review_progress": "ok",
            "county_took_part": True,
            "review_outcome": "plan_ended",
        },
    ),
    (
        "career-guidance",
        {
            "guidance_given_on": "2027-01-01",
            "registered_jobseeker": "yes",
            "compulsory_school_age": False,
        },
    ),
    ("placement", {"placement_agreed_on": "2027-01-01", "quota_refugee": True}),
    ("housing", {"housing_type": "tent", "moved_in_on": "2027-01-01"}),
    (
        "registration",
        {"registered_on": "2027-01-01", "basic_information_given": True, "address": "x"},
    ),
    (
        "placement-assessment",
        {
            "assessed_on": "2027-01-01",
            "participants": [],
            "housing_decision": "family_group_home",
            "turns_18_on": "2028-01-01",
        },
    ),
    ("aftercare-plan", {"aftercare_plan_agreed_on": "2027-01-01", "aftercare_support": ["money"]}),
    ("third-sector-activity", {"organisation_name": "x" * 201, "activity": "leisure"}),
    ("escalation", {"escalation_reason": "other"}),
]


@pytest.mark.parametrize(("form", "data"), REFUSED, ids=[f for f, _ in REFUSED])
def test_a_form_refuses_what_its_schema_forbids(form, data):
    with pytest.raises(InvalidData):
        validate_submission(FORMS.load(f"{form}.schema.json"), data)


def test_every_form_is_valid_and_orders_exactly_its_fields():
    for path in sorted((ROOT / "forms").glob("*.schema.json")):
        schema = json.loads(path.read_text())
        assert FORMS.problem(path.name, "schema") is None
        ui = json.loads(path.with_name(path.name.replace(".schema.", ".uischema.")).read_text())
        assert ui["ui:order"] == list(schema["properties"]), path.name


def _labelled_enums(schema: dict, ui: dict):
    """(field, values, labels) for every field whose UI schema labels its values."""
    for key, field in schema.get("properties", {}).items():
        hints = ui.get(key, {})
        if "ui:enumNames" in hints:
            values = field.get("enum") or field["items"]["enum"]
            yield key, values, hints["ui:enumNames"]
        if "properties" in field:
            yield from _labelled_enums(field, hints)
        items = field.get("items")
        if isinstance(items, dict) and "properties" in items:
            yield from _labelled_enums(items, hints.get("items", {}))


def test_every_choice_has_one_label_per_value_and_every_choice_is_labelled():
    for path in sorted((ROOT / "forms").glob("*.schema.json")):
        schema = json.loads(path.read_text())
        ui = json.loads(path.with_name(path.name.replace(".schema.", ".uischema.")).read_text())
        labelled = list(_labelled_enums(schema, ui))
        for key, values, labels in labelled:
            assert len(values) == len(labels), (path.name, key)
        choices = [
            k
            for k, f in schema["properties"].items()
            if "enum" in f or "enum" in f.get("items", {})
        ]
        assert set(choices) <= {k for k, _, _ in labelled}, path.name
