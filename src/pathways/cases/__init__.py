"""Cases: clients and process instances: start, show, deliver messages, cancel.

Every change to a case locks its row, runs the engine, and writes the new state with
the task and timer projections in the caller's one transaction (`cases.progress`).
"""
