"""How the service itself is doing: timer backlog, mail queue, script workers, database.

`figures` holds the queries that both `/metrics` (for Prometheus, no caller) and the
administrators' operations page read, so the two never disagree; the page's own entry
point (`figures.overview`) checks the caller is an administrator first. Incidents are
listed, retried and cancelled through `pathways.incidents.service`, as the API does.
"""
