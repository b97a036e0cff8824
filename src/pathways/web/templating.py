"""One Jinja2 environment for every slice's templates, and the way a page is answered.

Autoescape is on for every template; user data is never marked safe. Each slice keeps its
templates in `<slice>/templates/<slice>/`, so names never collide.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from pathways.settings import Settings
from pathways.web import i18n
from pathways.web.answers import answer_text, kind_name
from pathways.web.rule_texts import explain_rule

PACKAGE = Path(__file__).parent.parent
STATIC_DIR = Path(__file__).parent / "static"
_SLICES = (
    "web",
    "tasks",
    "cases",
    "forms",
    "processes",
    "dashboards",
    "notes",
    "record",
    "people",
    "audit",
    "operations",
)

# No inline script or style anywhere; htmx is served from /static.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # Pages show client data: never keep them in shared or browser caches.
    "Cache-Control": "no-store",
}
# Pages that draw BPMN diagrams: bpmn-js positions its SVG with style attributes, so
# styles may be inline there; scripts stay strictly same-origin.
DIAGRAM_CSP = SECURITY_HEADERS["Content-Security-Policy"].replace(
    "default-src 'self';", "default-src 'self'; style-src 'self' 'unsafe-inline';"
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(PACKAGE / name / "templates") for name in _SLICES]),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n._, ngettext=i18n.ngettext, newstyle=True
    )
    env.globals.update(
        form_text=i18n.form_text,
        explain_rule=explain_rule,
        LANGUAGES=i18n.LANGUAGES,
    )
    # `day` and `moment` give `<time>` elements; `day_text` / `moment_text` plain text
    # for attributes and titles.
    env.filters.update(day=i18n.day_element, moment=i18n.moment_element, number=i18n.format_number)
    env.filters.update(day_text=i18n.format_day, moment_text=i18n.format_moment)
    env.filters.update(local_name=i18n.local_name)
    env.filters.update(answer=answer_text, form_text=i18n.form_text, kind_name=kind_name)
    return env


def htmx_available() -> bool:
    """htmx is an enhancement: pages work the same when `make assets` has not built it."""
    return (STATIC_DIR / "vendor" / "htmx.min.js").is_file()


def render(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    language = i18n.choose_language(request)
    i18n.activate(language, settings.forms_dir)
    page = (
        environment()
        .get_template(name)
        .render(
            request_path=request.url.path,
            request_query=request.url.query,
            language=language,
            htmx=htmx_available(),
            **context,
        )
    )
    return HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)
