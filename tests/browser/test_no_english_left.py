"""Every page in Finnish and Swedish, for every demo role, without English left on it.

The pages are the app's own GET routes, enumerated from the application, so a page added
later is walked too; path parameters are filled from demo data by their names. What a
person reads (the body's text, the title, placeholders, labels for assistive technology,
button values) is searched for the English page and form texts whose translation differs,
and for a few common English words. A failure names the page, the role, the language and
the English found there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from starlette.routing import BaseRoute, Route

from pathways import demo
from pathways.app import create_app
from pathways.incidents.opening import open_stuck
from pathways.people.actors import Actor
from pathways.people.models import User
from pathways.people.passwords import hash_password
from pathways.processes import service as processes
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskState
from tests import factories
from tests.api.live import LiveServer
from tests.browser.conftest import ARTIFACTS

ROOT = Path(__file__).parents[2]
# A few pages kept as pictures in each language, to look at (tests/artifacts/).
PICTURED = {
    ("anna", "/cases/{case_id}"),
    ("maija", "/tasks/{task_id}"),
    ("maija", "/dashboard"),
    ("admin", "/organisations/{code}"),
}
PASSWORD = "walk the pages in every language"
ROLES = ("anna", "maija", "dana", "admin")  # caseworker, manager, designer, administrator
LANGUAGES = ("fi", "sv")

# Not pages of ours to translate: the API's JSON and its English documentation for
# integrators, metrics, the switch that only sets the language and redirects, and the
# sign-in that sends the browser to an identity provider.
NOT_PAGES = (
    "/api",
    "/static",
    "/openapi.json",
    "/healthz",
    "/metrics",
    "/docs",
    "/lang/",
    "/login/oidc",
)
# Whole words that are English and never Finnish or Swedish.
ENGLISH_WORDS = ("the", "and", "of", "Save", "Cancel", "Search", "Open", "Back", "Show")
# Texts that may stay as they are in every language: the product, the language names in
# the switch, data codes and ids.
ALLOWED = re.compile(r"Pathways|English|BPMN|JSON|CSV|XLSX|SVG|ISO 8601|ID")

_VISIBLE_TEXT = """() => {
  // Not read for English: bpmn-js, which draws the diagram and its panel with texts of its
  // own catalogue; codes; and what the page marks as recorded data (translate="no").
  const skipped = [...document.querySelectorAll(
    '.djs-container, .bio-properties-panel, code, [translate=no]')];
  const shown = skipped.map((el) => el.style.display);
  skipped.forEach((el) => { el.style.display = 'none'; });
  const parts = [document.title, document.body.innerText];
  skipped.forEach((el, i) => { el.style.display = shown[i]; });
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], [alt]')) {
    if (skipped.some((s) => s.contains(el))) continue;
    for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
      if (el.getAttribute(name)) parts.push(el.getAttribute(name));
    }
  }
  for (const el of document.querySelectorAll('input[type=submit], input[type=button]')) {
    parts.push(el.value);
  }
  return parts;
}"""


@dataclass(frozen=True)
class Demo:
    url: str
    values: dict[str, str]  # path parameter name → a value from the demo data


def _messages(path: Path) -> dict[str, str]:
    with path.open("rb") as file:
        catalogue = read_po(file)
    found = {}
    for entry in catalogue:
        if isinstance(entry.id, str) and entry.id and isinstance(entry.string, str):
            found[entry.id] = entry.string
    return found


@lru_cache(maxsize=2)
def english_patterns(language: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        # whole words only; a dotted code such as case.read is not a word
        (english, re.compile(rf"(?<![\w.-]){re.escape(english)}(?![\w-]|\.\w)"))
        for english in [*english_texts(language), *ENGLISH_WORDS]
    )


def english_texts(language: str) -> list[str]:
    """English page and form texts that read differently in `language`, longest first."""
    pages = _messages(ROOT / "src/pathways/web/locale" / language / "LC_MESSAGES/messages.po")
    forms = _messages(ROOT / "forms/locale" / f"{language}.po")
    texts = set()
    for english, translated in {**pages, **forms}.items():
        # A placeholder's own value is data; the words around it are matched piecewise.
        for part in re.split(r"%\(\w+\)[sd]|\{\w+\}", english):
            part = part.strip(" .,:;–-()")
            same = part in translated  # "version %(number)s" is "version …" in Swedish too
            if len(part) >= 4 and not same and not ALLOWED.fullmatch(part):
                texts.add(part)
    return sorted(texts, key=len, reverse=True)


def english_found(parts: list[str], language: str, allowed: set[str]) -> list[str]:
    """Each English text found, quoted with the words around it on the page."""
    text = " ".join(" ".join(parts).split())
    for word in allowed:
        text = text.replace(word, " ")
    found = []
    for english, pattern in english_patterns(language):
        match = pattern.search(text)
        if match:
            around = text[max(0, match.start() - 30) : match.end() + 30]
            found.append(f"{english!r} in “…{around}…”")
            text = pattern.sub(" ", text)
    return found


def page_paths(routes: list[BaseRoute]) -> list[str]:
    """Every GET path of the app's pages, included routers opened up, in route order."""
    found: list[str] = []
    for route in routes:
        inner = getattr(route, "original_router", None) or getattr(route, "app", None)
        if isinstance(route, Route):
            if "GET" in (route.methods or ()) and not route.path.startswith(NOT_PAGES):
                found.append(route.path)
        elif inner is not None and hasattr(inner, "routes"):
            found.extend(p for p in page_paths(inner.routes) if p not in found)
    return found


def fill(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"no demo value for the path parameter {name} of {path}"
        return values[name]

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


@pytest.fixture
def walk_settings(settings: Settings) -> Settings:
    """The shipped forms and their catalogues, as the demo serves them."""
    return settings.model_copy(update={"forms_dir": ROOT / "forms"})


@pytest.fixture
def demo_site(db, walk_settings) -> Iterator[Demo]:
    with db.tx() as s:
        demo.load(s)
        hashed = hash_password(PASSWORD)
        for user in s.query(User):
            user.password_hash = hashed
        for model in sorted((ROOT / "bpmn").glob("*.bpmn")):
            processes.deploy(
                s, data=model.read_bytes(), actor=Actor.operator(), settings=walk_settings
            )
        case = factories.start(s, walk_settings, "jobseeker", reference="W-1")
        task = s.query(Task).filter_by(instance_id=case.id, state=TaskState.OPEN).first()
        assert task is not None
        stuck = factories.start(s, walk_settings, "jobseeker", reference="W-2")
        incident = open_stuck(s, instance_id=stuck.id, element="Activity_interview")
        assert incident is not None
        values = {
            "task_id": str(task.id),
            "case_id": str(case.id),
            "reference": "W-1",
            "key": "jobseeker",
            "version": "1",
            "login": "anna",
            "code": "barsby",
            "incident_id": str(incident.id),
            "action": "retry",
        }
    with LiveServer(walk_settings) as server:
        yield Demo(server.url, values)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # texts do not depend on the database
def test_no_page_shows_english_in_finnish_or_swedish(browser: Any, demo_site: Demo) -> None:
    paths = page_paths(create_app(Settings(database_url="sqlite://")).routes)
    assert "/" in paths and "/cases/{case_id}" in paths and "/dashboard" in paths, paths
    people = {f"{u.name}" for u in demo.USERS}
    allowed = people | {o.name for o in demo.ORGANISATIONS}
    problems: list[str] = []
    for login in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route(lambda url: not url.startswith(demo_site.url), lambda r: r.abort())
        page = context.new_page()
        _sign_in(page, demo_site.url, login)
        for language in LANGUAGES:
            page.goto(f"{demo_site.url}/lang/{language}?next=/")
            for path in paths:
                problems += _visit(page, demo_site, path, login, language, allowed)
        context.close()
    assert not problems, "English left on pages:\n" + "\n".join(problems)


def _sign_in(page: Any, url: str, login: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)


def _visit(
    page: Any, site: Demo, path: str, login: str, language: str, allowed: set[str]
) -> list[str]:
    address = fill(path, site.values)
    # Asked first without rendering: a chart or a download is not a page to read.
    head = page.request.get(site.url + address, max_redirects=0)
    if not head.headers.get("content-type", "").startswith("text/html"):
        return []
    page.goto(site.url + address, wait_until="domcontentloaded")
    assert page.evaluate("document.documentElement.lang") == language, address
    found = english_found(page.evaluate(_VISIBLE_TEXT), language, allowed)
    if found or (login, path) in PICTURED:
        ARTIFACTS.mkdir(exist_ok=True)
        name = f"{'english' if found else 'walk'}-{language}-{login}-{address.strip('/').replace('/', '_') or 'start'}"
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    return [f"{address} ({path}) as {login} in {language}: {'; '.join(found)}"] if found else []
