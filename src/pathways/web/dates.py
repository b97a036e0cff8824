"""Dates and times as people read them: the viewer's locale, Helsinki time.

Stored times are UTC; a naive datetime (SQLite hands those back) is read as UTC too, never
as the server's local time. Pages wrap each value in `<time datetime="…">` so machines
still read the exact instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from markupsafe import Markup, escape

from pathways.clock import HELSINKI


def in_helsinki(value: datetime) -> datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(HELSINKI)


def format_date(value: date | datetime | None, locale: str) -> str:
    """3.12.2026 in Finnish, the locale's own medium date in Swedish and English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = in_helsinki(value).date()
    return babel_format_date(value, "medium", locale=locale)


def format_datetime(value: datetime | None, locale: str) -> str:
    """The Helsinki date and time of day of an instant."""
    if value is None:
        return ""
    local = in_helsinki(value)
    time = babel_format_time(local, "short", locale=locale)
    return f"{format_date(local, locale)} {time}"


def time_element(value: date | datetime | None, text: str) -> Markup:
    """`text` in a `<time>` whose `datetime` is the ISO form (UTC offset kept for instants)."""
    if value is None:
        return Markup("")
    machine = in_helsinki(value).isoformat() if isinstance(value, datetime) else value.isoformat()
    return Markup('<time datetime="{}">{}</time>').format(machine, escape(text))
