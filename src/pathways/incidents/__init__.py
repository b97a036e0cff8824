"""Incidents: cases the timer poller gave up on, for an administrator to retry or cancel.

Contract:
- A case's timer that keeps failing (its script or timer expression killed or timed
  out its worker, or failed in any way the model decides) becomes one open incident
  after `DeadlineSettings.incident_after` attempts: element, reason, attempts, time.
  The case's `last_error` says why; the poller claims none of its timers while the
  incident is open, so nothing else waits behind it.
- `retry` closes the incident and gives the case's timers a fresh start; `cancel`
  closes it and cancels the case. Both are for administrators and are audited.
- Services take `*, session` and flush; the route, command or poller tick commits.
"""
