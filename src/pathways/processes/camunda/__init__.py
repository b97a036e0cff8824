"""Bring a Camunda 7 model to Pathways: `convert` rewrites it, `leftovers` spots what is left.

Contract:
- `convert(data, groups=..., max_bytes=...)` returns the converted XML, the forms it
  names (JSON Schema and UI schema, by file name) and two lists: problems (what the
  designer must change, each naming its element and the fix) and notes (what was
  dropped as harmless). The XML is written even when there are problems.
- `leftover_problem(root)` is the one lint problem of a model that still carries
  Camunda attributes Pathways would read once converted.
- Needs no SpiffWorkflow: it rewrites XML only.
"""

from pathways.processes.camunda.convert import Conversion, convert, form_files
from pathways.processes.camunda.forms import CAMUNDA_NS
from pathways.processes.camunda.leftovers import leftover_problem

__all__ = ["CAMUNDA_NS", "Conversion", "convert", "form_files", "leftover_problem"]
