"""Figures a benchmark prints for machines: `--json` adds one JSON object as the last line.

Names are `snake_case` (database, what, unit: `sqlite_service_ratio`,
`postgresql_overview_admin_p95_ms`); values are numbers, so two commits' runs can be
compared line by line.
"""

from __future__ import annotations

import argparse
import json
import math
import re


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help="after the tables, print every figure as one JSON object on the last line",
    )


def name(*parts: object) -> str:
    """A figure name from words: lower case, anything else between them as one `_`."""
    joined = "_".join(str(p) for p in parts)
    return re.sub(r"[^a-z0-9]+", "_", joined.lower()).strip("_")


def emit(figures: dict[str, float]) -> None:
    """Print the figures as one JSON line; a figure that could not be measured is null."""
    clean = {
        key: (None if isinstance(v, float) and not math.isfinite(v) else round(v, 4))
        for key, v in figures.items()
    }
    print(json.dumps(clean, sort_keys=True), flush=True)
