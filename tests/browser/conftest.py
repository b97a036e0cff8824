"""A browser on the live server: Debian's Chromium driven by Playwright, headless, with
no network but 127.0.0.1. Skipped, with the reason, where Chromium or the built modeler
assets are missing. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pathways.web.templating import STATIC_DIR as STATIC
from tests import factories
from tests.api.conftest import PASSWORD, Api, seed
from tests.api.live import LiveServer
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

ARTIFACTS = Path(__file__).parent.parent / "artifacts"


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    if not (STATIC / "build" / "modeler.js").is_file():
        pytest.skip("the modeler assets are not built (make assets)")
    launched = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def live(db, settings) -> Iterator[Api]:
    """The API seed plus the intake model (with a diagram) and its running case C-9."""
    seed(db, settings)
    with db.tx() as s:
        factories.deploy(s, settings, "intake")
        factories.start(s, settings, "intake", reference="C-9")
    with LiveServer(settings) as server:
        api = Api(server, db, settings)
        yield api
        api.close()


@pytest.fixture
def page(browser, live, request) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route(lambda url: not url.startswith(live.url), lambda route: route.abort())
    opened = context.new_page()
    errors: list[str] = []
    console: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    yield opened
    ARTIFACTS.mkdir(exist_ok=True)
    opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    (ARTIFACTS / f"{request.node.name}.console.txt").write_text("\n".join(console))
    context.close()
    assert errors == [], errors


def log_in(page, live, login: str = "dana", path: str = "/models") -> None:
    page.goto(live.url + path)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
