"""A caseworker signs in through their organisation's OpenID provider in Chromium: the
login page offers the provider by name, the provider's own login form takes the person,
and they land on their inbox in Pathways, signed in; logging out signs them out there too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.conftest import ONE_BACKEND
from tests.oidc.conftest import OidcEnv, OidcFactory, oidc_env  # noqa: F401 - the fixture

pytestmark = [ONE_BACKEND, pytest.mark.browser]


@pytest.fixture
def env(oidc_env: OidcFactory) -> OidcEnv:  # noqa: F811
    return oidc_env()


@pytest.fixture
def page(browser, env: OidcEnv, request) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="fi-FI")
    allowed = (env.url, env.provider.issuer)
    # Only the two servers; the provider's pages ask for web fonts elsewhere.
    context.route(lambda url: not url.startswith(allowed), lambda route: route.abort())
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    ARTIFACTS.mkdir(exist_ok=True)
    opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert errors == [], errors


def test_a_caseworker_signs_in_with_the_provider_and_reaches_the_inbox(page, env: OidcEnv):
    page.goto(env.url + "/login?next=/")
    page.get_by_role("link", name="Kirjaudu palvelulla Westland ID").click()

    page.wait_for_url(env.provider.issuer + "/interaction/**")
    page.fill("input[name=login]", "k-1001")
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")

    page.wait_for_url(env.url + "/")
    expect(page.locator("body")).to_contain_text("Kaisa Korhonen")

    page.locator("form[action='/logout'] button").click()
    page.wait_for_url(env.provider.issuer + "/session/end**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(env.url + "/login")
    page.goto(env.url + "/")
    page.wait_for_url(env.url + "/login**")
