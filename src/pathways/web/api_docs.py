"""`/docs`: the API documentation, drawn by Swagger UI from this service's own static files.

Swagger UI comes from the npm package pinned in `package-lock.json`, copied into
`static/vendor/swagger-ui/` by `make assets`; nothing is loaded from another site, so
the page works offline. Without the built files the page says how to build them.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from pathways.web.templating import SECURITY_HEADERS, STATIC_DIR

router = APIRouter(include_in_schema=False)
SWAGGER_DIR = STATIC_DIR / "vendor" / "swagger-ui"
# Swagger UI sets style attributes and draws icons from data: URLs; scripts stay same-origin.
DOCS_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Pathways API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi="/openapi.json"></div>
  <script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/static/docs/swagger-init.js"></script>
</body>
</html>
"""
_NOT_BUILT = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Pathways API</title></head>
<body>
  <h1>Pathways API</h1>
  <p>The documentation viewer is not built: run <code>make assets</code>.
  The OpenAPI document itself is at <a href="/openapi.json">/openapi.json</a>.</p>
</body>
</html>
"""


def swagger_built() -> bool:
    return (SWAGGER_DIR / "swagger-ui-bundle.js").is_file()


@router.get("/docs")
def api_documentation() -> HTMLResponse:
    """Every route and schema of the JSON API (public, like /openapi.json)."""
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": DOCS_CSP}
    if not swagger_built():
        return HTMLResponse(_NOT_BUILT, headers=headers)
    return HTMLResponse(_PAGE, headers=headers)
