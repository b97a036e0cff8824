"""`pathways worker [--once]`: the timer poller (and the morning job, the mail round) on its own.

Without `--once` it runs until SIGTERM or SIGINT; with it, it fires what is due and
exits. On SQLite a second poller exits with code 75 and says why.
"""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from types import FrameType

import typer

from pathways import clock
from pathways.cli.edge import guarded
from pathways.dashboards.daily import DailyJobs
from pathways.deadlines.scheduler import Poller
from pathways.settings import get_settings


def worker(
    once: bool = typer.Option(False, "--once", help="fire what is due now, then exit"),
) -> None:
    """Fire due timers: every replica may run one; each timer fires once."""
    settings = get_settings()
    skew = settings.deadlines.clock_skew_for_tests_seconds
    if skew:
        clock.skew(timedelta(seconds=skew))
    poller = Poller(settings)
    with guarded():
        if once:
            totals = poller.run_once()
            typer.echo(f"worker: {totals.fired} timers fired, {totals.failed} failed", err=True)
            return
        stopped = threading.Event()

        def stop(_signum: int, _frame: FrameType | None) -> None:
            stopped.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        poller.start()
        daily = DailyJobs(poller.engine, settings)
        daily.start()
        typer.echo(f"worker: polling timers as {poller.owner}", err=True)
        try:
            while not stopped.wait(1.0):
                pass
        finally:
            daily.stop()
            poller.stop()
        typer.echo(f"worker: stopped; {poller.totals.fired} timers fired", err=True)
