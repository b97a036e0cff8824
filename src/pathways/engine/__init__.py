"""The engine: the only code that imports SpiffWorkflow.

Contract:
- `build` turns untrusted BPMN bytes (and the DMN files beside them) into deployable
  specs plus lint problems; it parses with entities, DTDs and network off. A built spec
  carries the decision tables its business rule tasks call.
- Every change to a case goes through a `Pathway` (start, complete, deliver,
  fire_timers, reopen, cancel) and comes back as an `Advance`: the new state and its
  projection (open human tasks, waiting timers, what completed, was cancelled or fired,
  messages thrown). The caller writes all of it in one transaction or none of it.
- Scripts and expressions run only in the sandbox, re-attached after every load, and
  the sandbox runs them in worker processes (`sandbox_pool`) that a crash or a
  freeze kills instead of the server.
- SpiffWorkflow's timers read `pathways.clock`. A change given `closed_days`
  (`ClosedDays`: a kind's code to the days its team member is closed) lets the
  working-day helpers of scripts and timers skip the closed days of the organisation
  serving the lane they run in.
- `task_properties` and `names_read` answer from a stored spec, without a workflow,
  what a step's properties are and which names its expressions read.
- `compare` diffs two built specs; `migrate` moves a case's state to another version
  (or says why it cannot); `dry_run` runs a sample case in memory on a simulated clock.
- `renamed_process` gives a file's one executable process a new key and name (a new
  pathway from a starting point), parsed as safely as `build` parses.
"""

from pathways.engine.bpmn_xml import element_names, process_name, renamed_process
from pathways.engine.build import BuiltProcess, build, called_processes, defined_processes
from pathways.engine.compare import ModelDiff, compare
from pathways.engine.data import check_incoming
from pathways.engine.dmn_xml import DecisionFile, is_dmn
from pathways.engine.dry_run import Answer, DryRun, HumanStep, TimerRun, dry_run
from pathways.engine.lint import FormCheck, FormKind
from pathways.engine.migration import migrate
from pathways.engine.projection import Advance, OpenTask, ThrownMessage, WaitingTimer
from pathways.engine.reads import names_read, task_properties
from pathways.engine.runtime import PATHWAYS, Pathway
from pathways.engine.sandbox import Budget
from pathways.engine.sandbox_pool import configure_workers
from pathways.engine.scripting import ClosedDays
from pathways.engine.serialization import SERIALIZER_VERSION
from pathways.engine.timing import add_duration, parse_duration

__all__ = [
    "element_names",
    "process_name",
    "renamed_process",
    "PATHWAYS",
    "Answer",
    "DryRun",
    "HumanStep",
    "TimerRun",
    "ModelDiff",
    "compare",
    "dry_run",
    "migrate",
    "SERIALIZER_VERSION",
    "Advance",
    "Budget",
    "BuiltProcess",
    "ClosedDays",
    "DecisionFile",
    "is_dmn",
    "FormCheck",
    "FormKind",
    "OpenTask",
    "Pathway",
    "ThrownMessage",
    "WaitingTimer",
    "add_duration",
    "build",
    "check_incoming",
    "called_processes",
    "defined_processes",
    "configure_workers",
    "parse_duration",
    "names_read",
    "task_properties",
]
