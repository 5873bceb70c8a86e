"""The real API server, started on a free port of 127.0.0.1 in a thread, called over HTTP."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
import uvicorn

from bench.api_load import free_port
from cratedig.server.app import build_app
from cratedig.server.run import options


class Running:
    """A server on a free port; `get` returns (status, parsed JSON body, headers)."""

    def __init__(self, engine, token: str | None = None):
        self.port = free_port()
        config = uvicorn.Config(build_app(engine, token), **options("127.0.0.1", self.port))
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.05)

    def get(self, path: str, headers: dict | None = None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read()), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read()), dict(exc.headers)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def api(small_engine):
    running = Running(small_engine)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def api_with_token(small_engine):
    running = Running(small_engine, token="s3cret")
    yield running
    running.stop()
