"""The HTTP edge shared by every slice's routes: who is calling, one transaction per
request, errors as problem+json, request ids in structured logs, body size limits and
idempotent retries. Routes stay thin: parse, open `call.begin()`, call a service, answer.
"""
