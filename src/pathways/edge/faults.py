"""Crash points for fault tests: a replica that kills itself at a named moment of a request.

The fault tests prove that nothing is lost or done twice when a replica dies mid-request.
To die at an exact point they start one replica with `PATHWAYS_FAULT__KILL_AT` set to a
point's name; `crash_point(name)` then sends SIGKILL to its own process there, with no
chance to clean up, as a power cut would. Without that setting every call does nothing.
Settings refuse it unless `PATHWAYS_FAULT__TESTING=true` or demo mode is set as well, so a
production replica cannot be configured to crash.
"""

from __future__ import annotations

import os
import signal

from pathways.settings import Settings


def crash_point(settings: Settings, name: str) -> None:
    """Die here, at once, if this replica was started to die at `name`."""
    if settings.fault.kill_at == name:
        os.kill(os.getpid(), signal.SIGKILL)
