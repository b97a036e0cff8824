"""People: organisations, the municipalities they cover, users, roles and who may act.

Every permission check lives in `people.permissions` and is called by services, once
per use case, never by routes or commands.
"""

# Imported with the package, so every process that can change people or organisations
# also stamps the directory in the same transaction (people/directory.py).
from pathways.people import directory as _directory  # noqa: F401
