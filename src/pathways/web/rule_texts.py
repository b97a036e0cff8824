"""The forms' date rules (`pathways.forms.rules`) as sentences in the page's language."""

from __future__ import annotations

from pathways.forms.rules import AFTER, NOT_AFTER, NOT_BEFORE, FieldRule
from pathways.web.i18n import _, form_text


def explain_rule(rule: FieldRule) -> str:
    """What the rule asks, naming the other field by its title as the page shows it."""
    other = form_text(rule.other) if rule.other else ""
    if rule.rule == NOT_AFTER:
        if not other:
            return _("Cannot be in the future.")
        return _("Cannot be later than “%(field)s”.") % {"field": other}
    if rule.rule == NOT_BEFORE:
        if not other:
            return _("Cannot be in the past.")
        return _("Cannot be earlier than “%(field)s”.") % {"field": other}
    if rule.rule == AFTER:
        return _("Must be later than “%(field)s”.") % {"field": other}
    return _("At most %(months)s months after “%(field)s”.") % {
        "months": rule.months,
        "field": other,
    }
