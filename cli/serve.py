"""`cratedig serve`: the local HTTP API for other music tools (server/). Models missing from the
cache are trained first by `cratedig train` in a process of its own, with the command line's
progress bars; the server only loads them (a server that trained them itself would keep
TensorFlow resident as long as it runs: about 1.1 GB more at 1x)."""
from __future__ import annotations

import os
import subprocess
import sys

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
    if not engine.models_cached():
        trained = train_elsewhere(engine)
        if trained != 0:
            return trained  # the child has said what went wrong
    load_models(engine)
    say(f"cratedig API on http://{args.host}:{args.port}/v1/ (OpenAPI: /openapi.json); Ctrl+C stops it")
    run(engine, args.host, args.port, token, args.workers, cache=not args.no_cache)
    return 0


def train_elsewhere(engine) -> int:
    """`cratedig train` on the engine's data in a child process; its exit code."""
    say("training the models first, in a process of their own")
    command = [sys.executable, "-m", "cratedig.cli.main", "--data", str(engine.data_dir),
               "--dataset", engine.dataset_kind, "train"]
    return subprocess.run(command, check=False).returncode
