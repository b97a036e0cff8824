"""The page tests' live site (seeded people, a browser-like client) for the admin pages."""

from tests.pages.conftest import site  # noqa: F401 — the fixture, shared
