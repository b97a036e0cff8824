"""Languages of the pages: Finnish, Swedish and English, with dates in Helsinki time.

The pages' own texts live in `locale/{fi,sv}/LC_MESSAGES/messages.po` (English is the
source). Texts of forms and models (titles, help, enum labels, step names) are English
message ids translated through the `forms` domain, from `forms/locale/{fi,sv}.po` when
those catalogues exist. A compiled `.mo` is used when `make assets` built it; otherwise
the `.po` is read directly, so a checkout without built assets still speaks every language.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from markupsafe import Markup
from starlette.requests import Request

from pathways.web import dates

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
LANGUAGE_COOKIE = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: ContextVar[Translations | NullTranslations] = ContextVar("translations")
_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def choose_language(request: Request) -> str:
    """The `lang` cookie set by the switch, else the browser's preference, else Finnish."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return _from_accept_language(request.headers.get("accept-language", ""))


def _from_accept_language(header: str) -> str:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def request_gettext(request: Request) -> Callable[[str], str]:
    """The pages' catalogue in the language the pages would speak to this request: for
    texts the API hands to people, such as the problems of a model."""
    forms_dir: Path = request.app.state.settings.forms_dir
    return translations(choose_language(request), forms_dir.resolve()).ugettext


def request_form_text(request: Request) -> Callable[[str], str]:
    """Forms' and models' English texts (domain `forms`) in this request's language."""
    forms_dir: Path = request.app.state.settings.forms_dir
    catalogue = translations(choose_language(request), forms_dir.resolve())
    return lambda message: catalogue.dugettext("forms", message)


def activate(language: str, forms_dir: Path) -> None:
    """Make `language` the one `gettext` and the formatters use in this context."""
    _language.set(language)
    _current.set(translations(language, forms_dir.resolve()))


def current_language() -> str:
    return _language.get()


@lru_cache(maxsize=16)
def translations(language: str, forms_dir: Path) -> Translations | NullTranslations:
    if language == "en":
        return NullTranslations()
    pages = _load(LOCALE_DIR / language / "LC_MESSAGES" / "messages", "messages")
    forms = _load(forms_dir / "locale" / language, "forms")
    if isinstance(pages, Translations) and isinstance(forms, Translations):
        pages.add(forms, merge=False)  # kept apart as domain "forms"
    elif isinstance(forms, Translations):
        pages = Translations()
        pages.add(forms, merge=False)
    return pages


def _load(stem: Path, domain: str) -> Translations | NullTranslations:
    """A catalogue from `stem.mo`, else from `stem.po` compiled in memory, else nothing."""
    mo, po = stem.with_suffix(".mo"), stem.with_suffix(".po")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as file:
            return Translations(file, domain=domain)
    if po.is_file():
        return Translations(_compile(po), domain=domain)
    return NullTranslations()


def _compile(po: Path) -> io.BytesIO:
    with po.open("rb") as file:
        catalog = read_po(file)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return buffer


def _(message: str) -> str:
    """The page text in the current language."""
    return _active().ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active().ungettext(singular, plural, n)


def form_text(message: str | None) -> str:
    """A form's or a model's English text in the current language (domain `forms`)."""
    if not message:
        return ""
    return _active().dugettext("forms", message)


def _active() -> Translations | NullTranslations:
    try:
        return _current.get()
    except LookupError:
        return NullTranslations()


def format_day(value: date | datetime | None) -> str:
    """A date in the current language (Helsinki day of an instant)."""
    return dates.format_date(value, current_language())


def format_moment(value: datetime | None) -> str:
    """Date and time of day in Helsinki, in the current language."""
    return dates.format_datetime(value, current_language())


def day_element(value: date | datetime | None) -> Markup:
    """A page's date: the text in the current language inside `<time datetime>`."""
    return dates.time_element(value, format_day(value))


def moment_element(value: datetime | None) -> Markup:
    return dates.time_element(value, format_moment(value))


def format_number(value: int | float) -> str:
    return format_decimal(value, locale=current_language())


class _Named(Protocol):
    def name_in(self, language: str) -> str: ...


def local_name(value: _Named | None) -> str:
    """An organisation's (or a count row's) name in the current language; – for none."""
    return "–" if value is None else value.name_in(current_language())
