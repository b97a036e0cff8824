"""Incidents: cases the timer poller gave up on, or that can no longer move, for an
administrator to retry or cancel.

Contract:
- A case's timer that keeps failing (its script or timer expression killed or timed
  out its worker, or failed in any way the model decides) becomes one open incident
  after `DeadlineSettings.incident_after` attempts: element, reason, attempts, time.
  The case's `last_error` says why; the poller claims none of its timers while the
  incident is open, so nothing else waits behind it.
- A case that an advance (start, completion, message, timer, reopen, migration) leaves
  unfinished with nothing open, no timer and no awaited event gets one open incident in
  the same transaction, naming the element it is stuck at (`opening.open_stuck`).
- `retry` closes the incident and gives the case's timers a fresh start; `cancel`
  closes it and cancels the case. Both are for administrators and are audited.
- Services take `*, session` and flush; the route, command or poller tick commits.
"""
