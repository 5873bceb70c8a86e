"""`cratedig serve`: the local HTTP API for other music tools (server/); the models are trained or
loaded here first, with the command line's progress bars."""
from __future__ import annotations

import os

from cratedig.cli.commands import load_models, open_engine
from cratedig.cli.output import say
from cratedig.engine.errors import UsageError

MAX_WORKERS = 8


def serve(args) -> int:
    from cratedig.server.run import is_loopback, serve as run

    token = args.token or os.environ.get("CRATEDIG_TOKEN") or None
    if not is_loopback(args.host) and not token:
        raise UsageError(f"--host {args.host} listens beyond this machine: give --token T (or set CRATEDIG_TOKEN) "
                         "so that only callers with it are answered")
    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be from 1 to 65535, got {args.port}")
    if not 1 <= args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be from 1 to {MAX_WORKERS}, got {args.workers}")
    engine = open_engine(args)
    load_models(engine)
    say(f"cratedig API on http://{args.host}:{args.port}/v1/ (OpenAPI: /openapi.json); Ctrl+C stops it")
    run(engine, args.host, args.port, token, args.workers, cache=not args.no_cache)
    return 0
