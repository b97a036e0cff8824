"""Pages over a live server: the API tests' seeded people, plus a browser-like client that
logs in through the login form and posts forms with their CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.api.conftest import PASSWORD, seed
from tests.api.live import LiveServer

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """Plain HTTP as a browser without JavaScript does it: forms, cookies, redirects."""

    def __init__(self, url: str, language: str = "en") -> None:
        self.http = httpx.Client(base_url=url, timeout=30, headers={"Accept-Language": language})

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path, follow_redirects=True)

    def csrf(self, path: str = "/") -> str:
        found = _CSRF.search(self.get(path).text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def post_form(self, path: str, data: dict[str, object], *, page: str = "/") -> httpx.Response:
        return self.http.post(path, data={"csrf_token": self.csrf(page), **data})

    def log_in(self, login: str, password: str = PASSWORD) -> Browser:
        answer = self.post_form(
            "/login", {"login": login, "password": password, "next": "/"}, page="/login"
        )
        assert answer.status_code == 303, answer.text
        return self

    def close(self) -> None:
        self.http.close()


class Site:
    def __init__(self, server: LiveServer, db: object, settings: object) -> None:
        self.url = server.url
        self.db = db
        self.settings = settings
        self._browsers: list[Browser] = []

    def browser(self, language: str = "en") -> Browser:
        browser = Browser(self.url, language)
        self._browsers.append(browser)
        return browser

    def as_user(self, login: str, language: str = "en") -> Browser:
        return self.browser(language).log_in(login)

    def close(self) -> None:
        for browser in self._browsers:
            browser.close()


@pytest.fixture
def site(db, settings) -> Iterator[Site]:
    seed(db, settings)
    with LiveServer(settings) as server:
        running = Site(server, db, settings)
        yield running
        running.close()
