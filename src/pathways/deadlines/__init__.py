"""Deadlines: the timer projection, due dates of tasks, and (later) the poller.

Timer rows mirror the timer events a case waits on and are rewritten in the same
transaction as every change to the case; nothing here loads a workflow to answer.
"""
