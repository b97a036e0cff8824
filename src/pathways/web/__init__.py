"""Pages: the shared layout, static files, and who is looking at a page.

Pages read the `pathways_session` cookie; a visitor without one is sent to `/login`.
Every page is served with a strict Content-Security-Policy (scripts only from
`/static`), so data never travels inside a script: pages fetch it from the API.
"""
