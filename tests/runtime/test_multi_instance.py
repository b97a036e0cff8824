"""Multi-instance user tasks, parallel and sequential: one task per item for the lane's
organisation; their answers fill the output collection in item order; completing without
the output item fails as in SpiffWorkflow, and without an output collection needs no data."""

from __future__ import annotations

import pytest

from pathways.errors import InvalidModel, PathwaysError
from tests.runtime.multi_model import reviews
from tests.runtime.twin import Complete, PathwaysRun, plain_run, twins

REVIEWERS = {"reviewers": ["anna", "bea", "cai"]}
ANSWERS = [Complete("review", {"attended": a}) for a in (True, False, True)]


@pytest.fixture
def run(db, settings, frozen_clock):
    return PathwaysRun(db, settings, frozen_clock)


def test_parallel_instances_are_all_open_at_once_for_the_lanes_organisation(run):
    run.start(reviews(sequential=False, form="activity.schema.json"), REVIEWERS)
    opened = run.open_tasks("review")
    assert len(opened) == 3
    with run.db.tx() as s:
        assert {s.merge(t).organisation.code for t in opened} == {"barsby"}


def test_sequential_instances_open_one_after_the_other(run):
    run.start(reviews(sequential=True, form="activity.schema.json"), REVIEWERS)
    assert len(run.open_tasks("review")) == 1
    run.run(ANSWERS[:1])
    assert len(run.open_tasks("review")) == 1


@pytest.mark.parametrize("sequential", [False, True], ids=["parallel", "sequential"])
def test_the_answers_fill_the_output_collection_as_in_spiffworkflow(run, sequential):
    model = reviews(sequential=sequential, form="activity.schema.json")
    ours, theirs = twins(run, model, ANSWERS, data=REVIEWERS)
    assert ours == theirs
    assert ours.completed and ours.data["answers"] == [True, False, True]


def test_without_an_output_collection_parallel_instances_are_marked_done(run):
    model = reviews(sequential=False, output=False)
    ours, theirs = twins(run, model, [Complete("review")] * 3, data=REVIEWERS)
    assert ours == theirs and ours.completed
    assert ours.data["reviewer"] == "cai"  # SpiffWorkflow merges each instance's data back


def test_a_sequential_step_without_an_output_collection_is_refused_at_deploy(run, frozen_clock):
    model = reviews(sequential=True, output=False)
    with pytest.raises(Exception, match="input item reviewer already exists"):
        plain_run(model, "reviews", [Complete("review")], frozen_clock, REVIEWERS)
    with pytest.raises(InvalidModel, match="review: a sequential multi-instance step"):
        run.start(model, REVIEWERS)


def test_completing_without_the_output_item_is_refused_and_the_task_stays_open(run, frozen_clock):
    model = reviews(sequential=False)  # no form: the step is completed without data
    with pytest.raises(Exception, match="Expected an output item"):
        plain_run(model, "reviews", [Complete("review")], frozen_clock, REVIEWERS)
    run.start(model, REVIEWERS)
    with pytest.raises(PathwaysError, match="output item"):
        run.step(Complete("review"))
    assert len(run.open_tasks("review")) == 3
