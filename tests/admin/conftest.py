"""The page tests' live site (seeded people, a browser-like client) and the API tests'
live server, for the administrators' pages and routes."""

from tests.api.conftest import api  # noqa: F401 — the fixtures, shared
from tests.pages.conftest import site  # noqa: F401
