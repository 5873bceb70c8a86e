"""Load on the HTTP API (`cratedig serve`): wrk (apt-get install wrk), 64 connections for 60 s on a
mix of the endpoints (search, similar artists, recommendations for a listener, for seed artists and
for a saved history, health), against the server on 127.0.0.1 only, after one pass over the mix
(its time is reported: with the response cache, that pass computes what the timed run repeats). Then 100,000 more requests,
the server's resident memory read after every 15-second round (it must stay flat); at most 10
minutes. The models are trained (or found in the cache) before the server starts, so the server
only loads them. Each wrk run is bounded by its duration; the server is stopped at the end.
Run: python -m bench.api_load [--data DIR] [--workers N] [--seconds 60] [--connections 64] [--scale-dir DIR]"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import data_dir, parser, write_result

#: after the timed run: rounds of ROUND_SECONDS until MEMORY_REQUESTS more requests, at most MEMORY_SECONDS
MEMORY_REQUESTS = 100_000
MEMORY_SECONDS = 600
ROUND_SECONDS = 15

LUA = """
local paths = {%s}
local i = math.random(#paths)
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "errors": %%d, "non_2xx": %%d, "seconds": %%.2f, "p50_ms": %%.2f, "p95_ms": %%.2f, "p99_ms": %%.2f}\\n',
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mix(engine) -> list[str]:
    """The endpoints' paths, in proportions a tool's traffic might have."""
    rng = random.Random(0)
    data = engine.dataset
    names = [str(n) for n in data.artist_names[:2000]]
    paths = ["/v1/health"]
    for _ in range(40):
        paths.append(f"/v1/search?q={urllib.request.quote(rng.choice(names)[:12])}")
        paths.append(f"/v1/artists/{int(rng.choice(data.artist_ids[:3000]))}/similar?k=10")
        paths.append(f"/v1/recommendations?listener={urllib.request.quote(str(data.listener_id(rng.randrange(data.n_listeners))))}&k=10")
        seeds = ",".join(urllib.request.quote(rng.choice(names)) for _ in range(3))
        paths.append(f"/v1/recommendations?seed_artists={seeds}&k=10")
    paths += ["/v1/recommendations?history=bench&k=10", "/v1/recommendations?history=bench&k=20&popularity=less"] * 10
    return paths


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its worker processes."""
    total = 0
    for child in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in found]


def wrk(url: str, script: Path, seconds: int, connections: int, requests: int | None = None) -> dict:
    args = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next(l for l in done.stdout.splitlines() if l.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["requests_per_s"] = round(result["requests"] / result["seconds"], 1)
    return result


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--scale-dir", help="100x: the directory of a kept `bench.scale --factors 100` run")
    p.add_argument("--no-cache", action="store_true", help="the server computes every answer (no response cache)")
    p.add_argument("--skip-memory", action="store_true", help="no memory rounds after the timed run")
    p.add_argument("--serve-child", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.serve_child:
        from bench.history_import import open_engine
        from cratedig.server.run import serve

        serve(open_engine("", args.serve_child[1]), "127.0.0.1", int(args.serve_child[0]), None,
              cache=args.serve_child[2] == "1")
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    from bench.history_import import listens, open_engine, write_exports
    from cratedig.engine.serving.catalog import Catalog

    engine = open_engine("" if args.scale_dir else str(data_dir(args)), args.scale_dir)
    # Trained here if the cache is cold: the 100x server (--serve-child) would otherwise train them
    # itself and keep TensorFlow resident (about 1.1 GB more at 1x), which is not serving's memory.
    if not engine.models_cached():
        engine.load_models()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CRATEDIG_STATE": str(Path(tmp) / "state")}
        popularity = Catalog(engine.dataset).popularity.astype(float) + 1
        exports = write_exports(Path(tmp), listens(engine.dataset.artist_names, popularity, 20_000))
        os.environ["CRATEDIG_STATE"] = env["CRATEDIG_STATE"]
        engine.import_history([exports["listenbrainz_zip"]], "bench")
        script = Path(tmp) / "mix.lua"
        script.write_text(LUA % ", ".join(json.dumps(p) for p in mix(engine)))
        port = free_port()
        command = [sys.executable, "-m", "cratedig.cli.main", "--data", str(engine.data_dir), "serve", "--port", str(port),
                   "--workers", str(args.workers)] + (["--no-cache"] if args.no_cache else [])
        if args.scale_dir:  # the 100x models were trained with their own epochs: the engine is built as there
            command = [sys.executable, "-m", "bench.api_load", "--serve-child", str(port), args.scale_dir,
                       "0" if args.no_cache else "1"]
            env["CRATEDIG_CACHE"] = os.environ["CRATEDIG_CACHE"]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(url + "/v1/health", timeout=2).read()
                    break
                except OSError:
                    if server.poll() is not None:
                        raise SystemExit("the server stopped:\n" + server.stderr.read()[-3000:])
                    time.sleep(1)
            figures = {"dataset": engine.dataset_kind, "artists": engine.dataset.n_artists,
                       "listeners": engine.dataset.n_listeners, "workers": args.workers,
                       "connections": args.connections, "paths_in_mix": len(mix(engine)), "cache": not args.no_cache}
            started = time.monotonic()
            for path in dict.fromkeys(mix(engine)):  # one pass over the mix first: the timed run is steady state
                try:
                    urllib.request.urlopen(url + path, timeout=60).read()
                except OSError:
                    pass
            figures["warm_up_s"] = round(time.monotonic() - started, 1)
            figures["load"] = wrk(url, script, args.seconds, args.connections)
            memory = [rss_mb(server.pid)]
            served, started = 0, time.monotonic()
            while not args.skip_memory and served < MEMORY_REQUESTS and time.monotonic() - started < MEMORY_SECONDS:
                served += wrk(url, script, ROUND_SECONDS, args.connections)["requests"]
                memory.append(rss_mb(server.pid))
            figures["memory_mb_every_round"] = memory
            figures["memory_requests"] = served
        finally:
            server.terminate()
            server.wait(timeout=30)
    flags = ((f" --workers {args.workers}" if args.workers > 1 else "") + (" --no-cache" if args.no_cache else "")
             + (" --skip-memory" if args.skip_memory else "") + (" --scale-dir DIR" if args.scale_dir else ""))
    name = "api_load" + flags.replace(" --", "_").replace(" DIR", "").replace(" ", "_").replace("-", "_")
    write_result(name, "python -m bench.api_load" + flags, figures)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
