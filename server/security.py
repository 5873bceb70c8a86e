"""The bearer token: with one set (required when the server listens beyond loopback), every request
carries `Authorization: Bearer TOKEN` or is answered 401, compared in constant time."""
from __future__ import annotations

import hmac

import orjson


class BearerToken:
    """Pure ASGI middleware (cheaper than Starlette's BaseHTTPMiddleware on every request)."""

    def __init__(self, app, token: str):
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = dict(scope.get("headers") or ()).get(b"authorization", b"")
        if hmac.compare_digest(given, self.expected):
            return await self.app(scope, receive, send)
        body = orjson.dumps({"error": {"status": 401, "message": "a bearer token is required (Authorization: "
                                                                 "Bearer TOKEN, as given to cratedig serve)"}})
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
