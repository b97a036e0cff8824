"""Recorded answers as text on a page: yes/no, lists and rows in the page's language."""

from __future__ import annotations

from typing import Any

from pathways.organisation_kinds import ENGLISH_NAMES, OrganisationKind
from pathways.web.i18n import _, form_text


def answer_text(value: Any) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None:
        return "–"
    if isinstance(value, list):
        return "; ".join(answer_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{form_text(str(k))}: {answer_text(v)}" for k, v in value.items())
    return str(value)


def kind_name(kind: str) -> str:
    """An organisation kind by its name in the page's language (lane names are form texts)."""
    try:
        return form_text(ENGLISH_NAMES[OrganisationKind(kind)])
    except ValueError:
        return kind
