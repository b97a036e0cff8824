"""A real HTTP server on 127.0.0.1 in a background thread, stopped when the test ends."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from pathways.app import create_app
from pathways.settings import Settings

_START_TIMEOUT = 10.0


class LiveServer:
    def __init__(self, settings: Settings, *, poller: bool = False) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        # Most tests drive time themselves; a background poller would race them.
        deadlines = settings.deadlines.model_copy(update={"poller_in_serve": poller})
        self.app = create_app(settings.model_copy(update={"deadlines": deadlines}))
        config = uvicorn.Config(
            self.app, log_config=None, access_log=False, lifespan="on", proxy_headers=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.server.run(sockets=[self.socket])

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=_START_TIMEOUT)
        self.socket.close()
