"""Tasks: the projection of human tasks, the queues of organisations, claim, assign, complete.

A task belongs to the organisation that the case team holds for its lane's kind, so the
same model serves every municipality.
"""
