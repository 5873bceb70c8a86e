"""Helpers for the benchmark scripts: data dir, percentiles, the machine they ran on."""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--data", help="dataset directory (default: $CRATEDIG_DATA, then the user data dir)")
    return p


def data_dir(args):
    from cratedig.engine.api import locate_data

    return locate_data(args.data)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def timed(fn, repeats: int) -> dict[str, float]:
    """Milliseconds: p50 and p95 over `repeats` calls (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(float(np.percentile(samples, 50)), 2), "p95_ms": round(float(np.percentile(samples, 95)), 2)}


@contextmanager
def approximate_above(artists: int):
    """cratedig.engine.models.base.APPROXIMATE_ABOVE set to `artists` inside the block: 0 forces the index on,
    the catalogue's size forces every artist to be scored."""
    from cratedig.engine.models import base

    threshold = base.APPROXIMATE_ABOVE
    base.APPROXIMATE_ABOVE = artists
    try:
        yield
    finally:
        base.APPROXIMATE_ABOVE = threshold


def share_of_exact(proposed: np.ndarray, exact: np.ndarray) -> float:
    """The mean share, per row, of the exact top k (`exact`, rows of k artists) that `proposed` holds."""
    return round(float(np.mean([len(np.intersect1d(p, e)) / exact.shape[1] for p, e in zip(proposed, exact)])), 4)


RESULTS = Path(__file__).resolve().parent / "results"


def commit() -> str:
    """The checkout's commit (with "+changes" when the tree has uncommitted changes), or "unknown"."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=RESULTS.parent, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, cwd=RESULTS.parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def write_result(name: str, command: str, figures: dict) -> Path:
    """bench/results/NAME.json: the figures with the command that measured them, the commit, the
    machine and the date (what the docs' tables are rendered from)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"bench": name, "command": command, "commit": commit(), "machine": machine(),
               "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "figures": figures}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
