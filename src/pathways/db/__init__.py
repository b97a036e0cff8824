"""Database access: declarative base, engines, transactions and migrations.

Services take a `Session` and only flush; the edge (CLI command, route, poller
tick) opens the transaction with `transaction(...)` and commits or rolls back.
"""
