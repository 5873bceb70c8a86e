"""Running the API: uvicorn on one host and port, the engine warmed first (models loaded, indices
built), so the first request is as fast as the others. With several workers each process holds
its own engine, built by `app_from_environment` from what `serve` put in the environment."""
from __future__ import annotations

import ipaddress
import os

import uvicorn

from cratedig.engine import api
from cratedig.server.app import build_app
from cratedig.server.slow_clients import TimedHeaders

#: idle keep-alive connections are closed after this many seconds
KEEP_ALIVE_SECONDS = 5
#: requests in progress at once; more are answered 503 at once rather than queued without bound
MAX_CONCURRENT = 512
_ENV = ("CRATEDIG_SERVE_DATA", "CRATEDIG_SERVE_KIND", "CRATEDIG_SERVE_TOKEN", "CRATEDIG_SERVE_CACHE")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def warm(engine: api.Engine) -> None:
    """Everything a first request would otherwise build: models, search and matching indices, genres,
    every model's artist space, one ranked request."""
    engine.load_models()
    engine.search("a", 1)
    engine.catalog.matcher
    first = int(engine.dataset.artist_ids[0])
    for name in api.MODEL_NAMES:
        engine.neighbours(first, name, 1)
    engine.recommend_listener(engine.dataset.listener_id(0), 1)


def app_from_environment():
    """The app for one worker process (uvicorn --workers): the engine from the environment."""
    engine = api.Engine(os.environ["CRATEDIG_SERVE_DATA"], kind=os.environ.get("CRATEDIG_SERVE_KIND") or None)
    warm(engine)
    return build_app(engine, os.environ.get("CRATEDIG_SERVE_TOKEN") or None,
                     cache=os.environ.get("CRATEDIG_SERVE_CACHE", "1") == "1")


def options(host: str, port: int) -> dict:
    """How uvicorn runs the API: quiet, bounded, slow clients timed out (server.slow_clients)."""
    return dict(host=host, port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE_SECONDS,
                limit_concurrency=MAX_CONCURRENT, server_header=False, access_log=False, http=TimedHeaders)


def serve(engine: api.Engine, host: str, port: int, token: str | None, workers: int = 1, cache: bool = True) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM)."""
    options_ = options(host, port)
    if workers > 1:
        os.environ.update({"CRATEDIG_SERVE_DATA": str(engine.data_dir), "CRATEDIG_SERVE_KIND": engine.dataset_kind,
                           "CRATEDIG_SERVE_TOKEN": token or "", "CRATEDIG_SERVE_CACHE": "1" if cache else "0"})
        uvicorn.run("cratedig.server.run:app_from_environment", factory=True, workers=workers, **options_)
        return
    warm(engine)
    uvicorn.run(build_app(engine, token, cache), **options_)
