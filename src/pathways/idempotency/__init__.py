"""Idempotent requests: a retried `Idempotency-Key` gets the first answer, never a second run.

Contract: the key is reserved in the same transaction as the work it guards, before
the work starts, so a concurrent duplicate waits on the unique index and then finds
the stored answer instead of doing the work again.
"""
