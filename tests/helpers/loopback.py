"""An ASGI app served by uvicorn in a thread on a free loopback port, for in-process test peers."""

from __future__ import annotations

import threading
import time

import uvicorn
from starlette.types import ASGIApp

from tests.server import free_port


class LoopbackServer:
    """``app`` on ``http://127.0.0.1:<free port>`` until :meth:`stop`."""

    def __init__(self, app: ASGIApp) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off", ws="none"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LoopbackServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:  # waiting for start-up, not timing a behaviour
            assert self._thread.is_alive() and time.monotonic() < deadline, "peer did not start"
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join()
