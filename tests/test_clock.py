"""The simulated clock of a dry run is seen by its own thread only."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from pathways import clock


def test_a_simulated_clock_leaves_other_threads_on_the_shared_clock(frozen_clock):
    seen: list[datetime] = []
    with clock.simulated(datetime(2030, 1, 1, tzinfo=UTC)) as simulated:
        simulated.advance(timedelta(days=1))
        other = threading.Thread(target=lambda: seen.append(clock.now()))
        other.start()
        other.join(timeout=10)
        assert clock.now() == datetime(2030, 1, 2, tzinfo=UTC)
    assert seen == [frozen_clock.moment]
    assert clock.now() == frozen_clock.moment
