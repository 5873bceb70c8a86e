"""Every error the API answers is JSON, {"error": {"status", "message"}}, never a stack trace: a thing
not in the data 404, a bad parameter 422, a route that does not exist 404. Nothing is 500 on
purpose; an unexpected failure is 500 with a message and no trace."""
from __future__ import annotations

import logging

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from cratedig.engine.errors import CratedigError, NotFoundError, printable

log = logging.getLogger("cratedig.server")


def error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(orjson.dumps({"error": {"status": status, "message": printable(message)}}), status_code=status,
                    media_type="application/json", headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for problem in exc.errors()[:3]:
        where = " ".join(str(p) for p in problem.get("loc", ()) if p not in ("query", "path"))
        parts.append(f"{where}: {problem.get('msg', 'invalid')}" if where else problem.get("msg", "invalid"))
    return "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFoundError)
    def not_found(request: Request, exc: NotFoundError) -> Response:
        return error(404, str(exc))

    @app.exception_handler(CratedigError)
    def usage(request: Request, exc: CratedigError) -> Response:
        return error(422, str(exc))

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error(422, _validation_message(exc))

    @app.exception_handler(HTTPException)
    def http(request: Request, exc: HTTPException) -> Response:
        return error(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error answering %s", request.url.path)
        return error(500, "internal error: the server log has the details")
