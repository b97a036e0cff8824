"""Routes that help a designer review a pathway: the diff of two versions, a dry run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from pathways import engine
from pathways.edge.caller import CallDep
from pathways.edge.params import MAX_ID, RowId
from pathways.errors import InvalidData
from pathways.processes import compare
from pathways.processes import dry_run as dry_runs
from pathways.processes.schemas import AnswerIn, DiffOut, DryRunIn, DryRunOut

router = APIRouter(prefix="/api/models", tags=["models"])
# Durations are measured from a fixed day, so "P1M" means the same length in every run.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@router.get("/{key}/diff")
def diff(
    key: str,
    call: CallDep,
    old: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
    new: Annotated[int, Query(alias="to", ge=1, le=MAX_ID)],
) -> DiffOut:
    """Elements added, removed and changed from one version to another."""
    with call.begin() as tx:
        return DiffOut.of(key, old, new, compare.diff(tx.session, key=key, old=old, new=new))


@router.post("/{key}/versions/{number}/dry-run")
def dry_run(key: str, number: RowId, body: DryRunIn, call: CallDep) -> DryRunOut:
    """Run the version on a sample case with a simulated clock; nothing is stored.

    Each scripted answer completes its task after the time it names; unanswered tasks
    are completed at once with no data.
    """
    answers = {element: _answer(a) for element, a in body.answers.items()}
    with call.begin() as tx:
        view = dry_runs.dry_run(
            tx.session,
            key=key,
            number=number,
            data=body.data,
            answers=answers,
            start=body.start,
            actor=tx.actor,
            settings=tx.settings,
        )
        return DryRunOut.of(view)


def _answer(answer: AnswerIn) -> engine.Answer:
    try:
        after = engine.add_duration(_EPOCH, answer.after) - _EPOCH
    except ValueError:
        raise InvalidData("an answer's after is not an ISO 8601 duration") from None
    return engine.Answer(data=answer.data, after=after)
