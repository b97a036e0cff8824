"""Deadlines: the timer projection, due dates of tasks, working days, and the poller.

Timer rows mirror the timer events a case waits on and are rewritten in the same
transaction as every change to the case; nothing but firing loads a workflow.
`firing.fire_due` is the one way a case's due timers run; `poller` claims and fires
due timers by the database's clock; `scheduler.Poller` runs it in a process.
"""
