"""`pathways serve`: the web application and (unless turned off) the timer poller."""

from __future__ import annotations

import typer
import uvicorn

from pathways.edge import logs


def serve(
    port: int = typer.Option(8000, help="port to listen on"),
    host: str = typer.Option("127.0.0.1", help="address to bind; 0.0.0.0 behind a proxy"),
) -> None:
    """Serve the API on HTTP."""
    logs.configure()
    uvicorn.run(
        "pathways.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        # Forwarding headers are read by the app, from PATHWAYS_WEB__TRUSTED_PROXIES only.
        proxy_headers=False,
        server_header=False,
    )
