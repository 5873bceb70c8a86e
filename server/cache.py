"""A response cache: the same GET (path and query) is answered from memory until the data changes.
Tools poll the same URLs (Lidarr re-reads its list; a player asks for an artist's neighbours each
time it plays them), and the models do not change while the server runs. Saved histories may (a
re-import): their folder's state is part of every key. Only 200 answers are kept, at most
MAX_ENTRIES of them (least recently used go first); hits are served on the event loop."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Callable

MAX_ENTRIES = 4096
MAX_BODY_BYTES = 1 << 20
#: how often the histories folder is looked at for changes, in seconds
STAMP_SECONDS = 1.0


class ResponseCache:
    """Pure ASGI middleware caching GET answers by path, query and the histories' state."""

    def __init__(self, app, folder: Callable[[], Path]):
        self.app = app
        self.folder = folder
        self.entries: OrderedDict[tuple, tuple[list, bytes]] = OrderedDict()
        self.lock = threading.Lock()
        self._stamp, self._stamped_at = "", 0.0

    def stamp(self) -> str:
        now = time.monotonic()
        if now - self._stamped_at > STAMP_SECONDS:
            try:
                files = sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in self.folder().glob("*.npz"))
            except OSError:
                files = []
            self._stamp, self._stamped_at = str(hash(tuple(files))), now
        return self._stamp

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        key = (scope["path"], scope.get("query_string", b""), self.stamp())
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
        if hit is not None:
            headers, body = hit
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        started: dict = {}
        chunks: list[bytes] = []

        async def keep(message):
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and started.get("status") == 200:
                    body = b"".join(chunks)
                    if len(body) <= MAX_BODY_BYTES:
                        self.store(key, list(started.get("headers", [])), body)
            await send(message)

        await self.app(scope, receive, keep)

    def store(self, key: tuple, headers: list, body: bytes) -> None:
        with self.lock:
            self.entries[key] = (headers, body)
            self.entries.move_to_end(key)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)
