"""Which organisation kind serves each step: its lane, or the process's default.

A step's lane names the kind whose team member does it. Steps of an embedded
subprocess take the subprocess's lane; steps of a called process take the calling
step's lane. Steps left in no lane, or in a lane that names no kind (other tools'
lanes name people or departments), go to the process's `defaultOrganisation`, written
into the built spec so that validation, deployment and running cases all read the
same lane.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask

from pathways.errors import N_, Problem, Text
from pathways.organisation_kinds import (
    ENGLISH_NAMES,
    LEAD_LANE,
    OrganisationKind,
    is_lead_lane,
    kind_for_lane,
    lane_names,
)

# The lead lane's name is typed as it is, in English; what it is for is translated.
ACCEPTED_LANES = Text(
    "{kinds}; {lead} (in a called process)",
    kinds="; ".join(lane_names(kind) for kind in OrganisationKind),
    lead=LEAD_LANE,
)
_LISTED = 10


def needs_lane(task_spec: Any) -> bool:
    """Steps someone does, and call activities whose called steps take their lane."""
    return bool(getattr(task_spec, "manual", False)) or isinstance(task_spec, SubWorkflowTask)


def apply_defaults(specs: Mapping[str, Any], defaults: Mapping[str, OrganisationKind]) -> None:
    """Put every step of a spec that sits in no lane, or in a lane that names no kind,
    into its process's default lane."""
    for name, spec in specs.items():
        kind = defaults.get(name)
        if kind is None:
            continue
        for task_spec in spec.task_specs.values():
            if task_spec.bpmn_id is not None and needs_lane(task_spec) and _unknown(task_spec.lane):
                task_spec.lane = ENGLISH_NAMES[kind]


def _unknown(lane: str | None) -> bool:
    return not lane or (not is_lead_lane(lane) and kind_for_lane(lane) is None)


def lane_problems(spec: Any, subprocess_specs: Mapping[str, Any]) -> list[Problem]:
    """Steps in no lane (one problem for all of them) and lanes that name no kind."""
    unplaced: list[Any] = []
    by_lane: dict[str, list[Any]] = {}
    for process, inherits in _contexts(spec, subprocess_specs):
        for task_spec in process.task_specs.values():
            if task_spec.bpmn_id is None or not needs_lane(task_spec) or _embedded(task_spec):
                continue  # an embedded subprocess's steps are checked themselves
            lane = task_spec.lane
            if not lane:
                if not inherits:
                    unplaced.append(task_spec)
            elif not is_lead_lane(lane) and kind_for_lane(lane) is None:
                by_lane.setdefault(lane, []).append(task_spec)
    found = [_unknown_lane(lane, tasks) for lane, tasks in by_lane.items()]
    if unplaced:
        found.insert(0, _no_lane(unplaced))
    return found


def _embedded(task_spec: Any) -> bool:
    return isinstance(task_spec, SubWorkflowTask) and not isinstance(task_spec, CallActivity)


def _contexts(spec: Any, subprocess_specs: Mapping[str, Any]) -> Iterator[tuple[Any, bool]]:
    """Each spec once, with whether its steps may take a lane from a calling step."""
    inherits: dict[str, bool] = {spec.name: False}
    order = [spec.name]
    specs = {spec.name: spec, **subprocess_specs}
    for name in order:
        process = specs.get(name)
        if process is None:
            continue
        for task_spec in process.task_specs.values():
            if not isinstance(task_spec, SubWorkflowTask) or task_spec.spec not in specs:
                continue
            child = isinstance(task_spec, CallActivity) or inherits[name]
            if task_spec.spec not in inherits:
                order.append(task_spec.spec)
                inherits[task_spec.spec] = child
            else:
                inherits[task_spec.spec] = inherits[task_spec.spec] and child
    for name in order:
        if name in specs:
            yield specs[name], inherits[name]


def _label(task_spec: Any) -> str:
    name = str(task_spec.bpmn_name or "").strip()
    return f"'{name[:80]}' ({task_spec.bpmn_id})" if name else f"'{task_spec.bpmn_id}'"


def _listed(tasks: Iterable[Any]) -> str | Text:
    items = list(tasks)
    shown = ", ".join(_label(t) for t in items[:_LISTED])
    if len(items) <= _LISTED:
        return shown
    return Text("{steps} and {count} more", steps=shown, count=len(items) - _LISTED)


def _no_lane(tasks: list[Any]) -> Problem:
    template = (
        N_(
            "1 step is in no lane: {steps}. Put each in a lane named for the organisation"
            " kind that does it ({lanes}), or set the process property"
            " defaultOrganisation to the kind's code"
        )
        if len(tasks) == 1
        else N_(
            "{count} steps are in no lane: {steps}. Put each in a lane named for the"
            " organisation kind that does it ({lanes}), or set the process property"
            " defaultOrganisation to the kind's code"
        )
    )
    return Problem(
        template,
        tasks[0].bpmn_id,
        count=len(tasks),
        steps=_listed(tasks),
        lanes=ACCEPTED_LANES,
    )


def _unknown_lane(lane: str, tasks: list[Any]) -> Problem:
    return Problem(
        "lane '{lane}' of {steps} names no organisation kind (use one of: {lanes})",
        tasks[0].bpmn_id,
        lane=lane[:80],
        steps=_listed(tasks),
        lanes=ACCEPTED_LANES,
    )
