"""People: organisations, the municipalities they cover, users, roles and who may act.

Every permission check lives in `people.permissions` and is called by services, once
per use case, never by routes or commands.
"""
