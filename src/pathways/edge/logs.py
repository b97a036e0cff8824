"""Structured logs: one JSON object a line on stderr, carrying the request id.

Log lines name routes by their template (`/api/tasks/{task_id}`), never the raw path
or query, so what a caller sends does not end up in the log. Client data (task data,
form values, client references, message payloads) never reaches a line:

- SpiffWorkflow's loggers are held at WARNING. Below INFO it attaches a task's whole
  data to every record, and its INFO lines narrate each task's state change.
- Extra fields are written only for our own loggers (`pathways.*`), and only plain
  values; a library's extras (SpiffWorkflow's `data`, for one) are dropped.
- An error is written as its types and stack frames, without its message: messages
  of database errors carry statement parameters and those of script errors the
  values they failed on.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from contextvars import ContextVar
from typing import Any

from pathways import clock

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_PLAIN = (str, int, float, bool, type(None))
# Libraries that narrate at INFO (or attach data below it) are held at WARNING.
QUIET_LOGGERS = (
    "spiff",
    "spiff.task",
    "spiff.workflow",
    "spiff.data",
    "spiff.dmn",
    "spiff.metrics",
    "apscheduler",
    "sqlalchemy",
    "sqlalchemy.engine",
    "httpx",
    "httpcore",
    "multipart",
    "python_multipart",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": clock.now().isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid is not None:
            entry["request_id"] = rid
        if _ours(record.name):
            entry.update(
                {
                    k: v
                    for k, v in vars(record).items()
                    if k not in _STANDARD and isinstance(v, _PLAIN)
                }
            )
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)

    def formatException(self, ei: Any) -> str:  # noqa: N802 — logging.Formatter's name
        """The chain of error types and where each was raised, without their messages."""
        _kind, error, _tb = ei
        if error is None:
            return ""
        parts: list[str] = []
        seen: BaseException | None = error
        for _ in range(8):
            if seen is None:
                break
            frames = traceback.format_tb(seen.__traceback__)
            parts.append("".join(frames) + f"{type(seen).__module__}.{type(seen).__qualname__}")
            seen = seen.__cause__ or seen.__context__
        return "\n-- caused by --\n".join(reversed(parts))


def _ours(name: str) -> bool:
    return name == "pathways" or name.startswith("pathways.")


def quiet_libraries() -> None:
    """Hold the narrating libraries at WARNING (idempotent; every entry point calls it)."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure(level: int = logging.INFO) -> None:
    """Send every logger's records to stderr as JSON lines (idempotent)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler.formatter, JsonFormatter):
            return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.handlers = [handler]
    root.setLevel(level)
    # uvicorn's access log repeats the raw path and query; ours names the route instead.
    logging.getLogger("uvicorn.access").disabled = True
    # The scheduler announces every tick (the poller logs what it fired); SpiffWorkflow
    # narrates task data.
    quiet_libraries()
