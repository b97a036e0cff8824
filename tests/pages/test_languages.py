"""Finnish, Swedish and English: every page text translated, chosen by cookie or browser,
dates in the locale's format, form and step texts through the forms catalogue."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.pages.flow import open_task_id, start_three_org_case

ROOT = Path(__file__).parents[2]
LOCALE = ROOT / "src" / "pathways" / "web" / "locale"


def page_messages() -> set[str]:
    """Every msgid the templates and page modules use (as `make messages` extracts them)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "src" / "pathways", method_map, options_map
    ):
        found.update([message] if isinstance(message, str) else message)
    return found


def catalogue(language: str) -> dict[str, str]:
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        entries = read_po(file)
    translated = {}
    for entry in entries:
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        for msgid, msgstr in zip(ids, strings, strict=False):
            if msgid and msgstr and not entry.fuzzy:
                translated[msgid] = msgstr
    return translated


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_page_text_has_a_translation(language):
    translated = catalogue(language)
    missing = sorted(page_messages() - set(translated))
    assert not missing, f"untranslated in {language}: {missing}"


class _Texts(HTMLParser):
    """The text a person reads or hears: text nodes and labelling attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def english_left(html: str, language: str) -> list[str]:
    translated = catalogue(language)
    english = {m for m in page_messages() if "%(" not in m and translated.get(m) != m}
    parser = _Texts()
    parser.feed(html)
    return [text for text in parser.texts if text in english]


def _pages(site, language: str) -> dict[str, str]:
    """One of each page, in the given language, with a form showing its errors."""
    case_id = start_three_org_case(site, f"L-{language}")
    task_id = open_task_id(site, case_id, "guidance")
    anna = site.as_user("anna", language=language)
    page = f"/tasks/{task_id}"
    shown = {
        "login": site.browser(language).get("/login").text,
        "inbox": anna.get("/").text,
        "task": anna.get(page).text,
        "task with errors": anna.post_form(page, {"action": "complete"}, page=page).text,
        "new case": anna.get("/cases/new").text,
        "case": anna.get(f"/cases/{case_id}").text,
        "missing": anna.get("/tasks/999999").text,
        "forbidden": site.as_user("olli", language=language).get(page).text,
        "manager start": site.as_user("mari", language=language).get("/").text,
    }
    fields = {"action": "complete", "summary": "x", "jobseeker": "true"}
    shown["confirm"] = anna.post_form(page, fields, page=page).text
    anna.post_form(page, {"action": "confirm"}, page=page)
    shown["hand-off"] = anna.get(f"{page}?opened={open_task_id(site, case_id, 'plan')}").text
    plan = f"/tasks/{open_task_id(site, case_id, 'plan')}"
    shown["plan form"] = site.as_user("ville", language=language).get(plan).text
    return shown


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_finnish_and_swedish_pages_leave_no_english_ui_text(site, language):
    for name, html in _pages(site, language).items():
        assert f'<html lang="{language}">' in html, name
        assert english_left(html, language) == [], f"{name} page in {language}"


def test_the_language_comes_from_the_switch_then_the_browser_then_finnish(site):
    assert '<html lang="fi">' in site.browser(language="de").get("/login").text
    browser = site.browser(language="sv-FI,sv;q=0.9,en;q=0.5")
    assert '<html lang="sv">' in browser.get("/login").text
    switched = browser.http.get("/lang/en?next=/login")
    assert switched.status_code == 303 and switched.headers["location"] == "/login"
    assert '<html lang="en">' in browser.get("/login").text
    assert browser.http.get("/lang/en?next=//evil.example").headers["location"] == "/"


def test_form_and_step_texts_come_from_the_forms_catalogue(site, frozen_clock):
    case_id = start_three_org_case(site)
    page = f"/tasks/{open_task_id(site, case_id, 'guidance')}"
    finnish = site.as_user("anna", language="fi").get(page).text
    assert "<h1>Ohjaus ja neuvonta</h1>" in finnish
    assert "Mitä keskusteltiin" in finnish
    swedish = site.as_user("anna", language="sv").get("/").text
    assert "Handledning och rådgivning" in swedish


def test_dates_follow_the_language(site, frozen_clock):
    case_id = start_three_org_case(site)
    page = f"/tasks/{open_task_id(site, case_id, 'guidance')}"  # due in 5 working days
    assert "30.11.2026" in site.as_user("anna", language="fi").get(page).text
    assert "30 nov. 2026" in site.as_user("anna", language="sv").get(page).text
    assert "Nov 30, 2026" in site.as_user("anna", language="en").get(page).text


def test_times_are_shown_in_helsinki_and_kept_exact_in_a_time_element(site, frozen_clock):
    case_id = start_three_org_case(site)  # started Monday 23.11.2026 07:00 UTC
    finnish = site.as_user("anna", language="fi").get(f"/cases/{case_id}").text
    assert '<time datetime="2026-11-23T09:00:00+02:00">23.11.2026 9.00</time>' in finnish
    swedish = site.as_user("anna", language="sv").get(f"/cases/{case_id}").text
    assert '<time datetime="2026-11-23T09:00:00+02:00">23 nov. 2026 09:00</time>' in swedish


def test_a_naive_time_is_read_as_utc_not_as_the_servers_own_zone():
    from datetime import datetime

    from pathways.web import dates

    naive = datetime(2026, 7, 1, 21, 30)  # noqa: DTZ001 — what SQLite hands back
    assert dates.format_datetime(naive, "fi") == "2.7.2026 0.30"
    assert dates.format_date(naive, "sv") == "2 juli 2026"


def area_label(language: str) -> str:
    return {"fi": "Organisaatio", "sv": "Organisation", "en": "Organisation"}[language]


@pytest.mark.parametrize(
    ("language", "county", "area"),
    [
        ("fi", "Länsimaan hyvinvointialue", "Länsimaan työllisyysalue"),
        ("sv", "Västlands välfärdsområde", "Västlands sysselsättningsområde"),
        ("en", "Westland wellbeing services county", "Westland employment area"),
    ],
)
def test_organisations_are_named_in_the_viewers_language(site, language, county, area):
    case_id = start_three_org_case(site, f"N-{language}")
    anna = site.as_user("anna", language=language)
    fields = {"action": "complete", "summary": "x", "jobseeker": "true"}
    page = f"/tasks/{open_task_id(site, case_id, 'guidance')}"
    anna.post_form(page, fields, page=page)
    anna.post_form(page, {"action": "confirm"}, page=page)
    assert area in anna.get(f"/cases/{case_id}").text  # the open step's organisation
    assert county in anna.get(f"/cases/{case_id}").text  # the case team
    ville = site.as_user("ville", language=language)
    assert area in ville.get("/").text  # the banner and the queue of his organisation
    dashboard = site.as_user("maija", language=language).get("/dashboard").text
    assert f'<td data-label="{area_label(language)}">{area}</td>' in dashboard
    admin = site.as_user("admin", language=language)
    assert area in admin.get("/organisations").text
