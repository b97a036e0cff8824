"""Manager views: where cases wait, which deadlines are missed, how long steps take.

Contract: every figure is one SQL aggregate over the task projection (never a Python
loop over task rows), the same on SQLite and PostgreSQL; every read goes through
`people.permissions.dashboard_scope`, so a manager sees their own organisation only.
Deadline standing follows `deadlines.status` (open, at risk, overdue).
"""
