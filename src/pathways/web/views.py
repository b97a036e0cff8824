"""Small shared view helpers: deadline badges, dates typed into filters, error texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pathways import clock
from pathways.clock import HELSINKI
from pathways.deadlines.status import DeadlineStatus, status_of
from pathways.errors import FieldError
from pathways.forms.rules import FieldRule
from pathways.settings import Settings
from pathways.tasks.models import Task, TaskState
from pathways.web.i18n import _, ngettext
from pathways.web.rule_texts import explain_rule


@dataclass(frozen=True)
class Badge:
    status: str
    label: str


def badge(task: Task, settings: Settings) -> Badge | None:
    standing = status_of(
        due_at=task.due_at,
        is_open=task.state == TaskState.OPEN,
        now=clock.now(),
        window=settings.deadlines.at_risk_window,
    )
    if standing == DeadlineStatus.OVERDUE:
        return Badge("overdue", _("Overdue"))
    if standing == DeadlineStatus.AT_RISK:
        return Badge("at-risk", _("Due soon"))
    return None


def due_text(due_at: datetime | None, now: datetime) -> str:
    """Where a due date stands today, by Helsinki dates: overdue by N days, due today, or
    due in N days (an overdue task due earlier today is "overdue since today")."""
    if due_at is None:
        return _("No due date")
    days = (clock.local(due_at).date() - clock.local(now).date()).days
    if due_at < now:
        if days == 0:
            return _("Overdue since today")
        return ngettext("Overdue by %(num)s day", "Overdue by %(num)s days", -days) % {"num": -days}
    if days == 0:
        return _("Due today")
    return ngettext("Due in %(num)s day", "Due in %(num)s days", days) % {"num": days}


def end_of_day(typed: str | None) -> datetime | None:
    """The moment a day typed as yyyy-mm-dd ends in Helsinki; None if it is not a date."""
    if not typed:
        return None
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=HELSINKI)


def field_messages(errors: list[FieldError]) -> dict[str, list[str]]:
    """Each field's errors in the page's language, keyed by JSON pointer."""
    placed: dict[str, list[str]] = {}
    for error in errors:
        placed.setdefault(error.pointer, []).append(explain(error))
    return placed


def explain(error: FieldError) -> str:
    limit = error.limit
    if isinstance(limit, FieldRule):
        return explain_rule(limit)
    texts = {
        "required": _("Fill in this field."),
        "type": _("Enter a value of the right kind, such as a number."),
        "enum": _("Choose one of the options."),
        "const": _("Choose one of the options."),
        "format": _("Enter a valid date.") if limit == "date" else _("Enter a valid value."),
        "maxLength": _("Too long: at most %(limit)s characters.") % {"limit": limit},
        "minLength": _("Too short: at least %(limit)s characters.") % {"limit": limit},
        "minItems": _("Choose at least %(limit)s.") % {"limit": limit},
        "maxItems": _("Choose at most %(limit)s.") % {"limit": limit},
        "minimum": _("Must be at least %(limit)s.") % {"limit": limit},
        "maximum": _("Must be at most %(limit)s.") % {"limit": limit},
        "uniqueItems": _("Each value may be chosen only once."),
        "additionalProperties": _("The form received fields it does not know."),
        "pattern": _("Enter the value in the expected format."),
    }
    return texts.get(error.rule, _("This value is not accepted."))
