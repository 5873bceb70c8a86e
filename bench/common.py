"""Helpers for the benchmark scripts: data dir, percentiles, the machine they ran on."""
from __future__ import annotations

import argparse
import os
import platform
import time
from contextlib import contextmanager

import numpy as np


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--data", help="dataset directory (default: $CRATEDIG_DATA, then the user data dir)")
    return p


def data_dir(args):
    from engine.api import locate_data

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
    """engine.models.base.APPROXIMATE_ABOVE set to `artists` inside the block: 0 forces the index on,
    the catalogue's size forces every artist to be scored."""
    from engine.models import base

    threshold = base.APPROXIMATE_ABOVE
    base.APPROXIMATE_ABOVE = artists
    try:
        yield
    finally:
        base.APPROXIMATE_ABOVE = threshold


def share_of_exact(proposed: np.ndarray, exact: np.ndarray) -> float:
    """The mean share, per row, of the exact top k (`exact`, rows of k artists) that `proposed` holds."""
    return round(float(np.mean([len(np.intersect1d(p, e)) / exact.shape[1] for p, e in zip(proposed, exact)])), 4)
