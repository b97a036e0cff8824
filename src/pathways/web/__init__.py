"""The pages' shared parts: layout, static files, languages, the page caller and errors.

Pages are server-rendered HTML that works without JavaScript; htmx, when built into
`static/vendor/`, only makes some clicks faster. Every template is autoescaped, every
form carries a CSRF token, and every page answers with a strict Content-Security-Policy.
"""
