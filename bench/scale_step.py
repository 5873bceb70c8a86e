"""One step of the growth curve (bench/scale.py), run in a process of its own so that its peak
memory is its own: generate data, train one model (its upstream models from the cache), serve, or
export every listener's recommendations. Prints one JSON line.
Run by bench/scale.py; by hand: python -m bench.scale_step STEP DIR [args]"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from bench.common import approximate_above, share_of_exact, timed


def _peak_rss_gb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024, 2)


def generate(directory: str, listeners: str, artists: str, kind: str = "hetrec-2k") -> dict:
    """Synthetic data in the files of `kind` (Last.fm-360K's: with its quirks at a rate of 0.001)."""
    from cratedig.engine.data.synthetic import SyntheticSpec
    from cratedig.engine.data.synthetic import generate as write
    from cratedig.engine.data.synthetic360k import generate_lastfm360k

    start = time.perf_counter()
    spec = SyntheticSpec(listeners=int(listeners), artists=int(artists), genres=20, mean_artists_per_listener=49.0,
                         seed=1)
    (generate_lastfm360k if kind == "lastfm-360k" else write)(Path(directory), spec)
    return {"generate_s": round(time.perf_counter() - start, 1)}


def load(directory: str) -> dict:
    """Reading the files into a Dataset: seconds and peak RSS of a fresh process."""
    from cratedig.engine.data.loader import load_dataset

    start = time.perf_counter()
    data = load_dataset(directory)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in Path(directory).iterdir())
    return {"kind": data.kind, "load_s": round(seconds, 1), "load_peak_rss_gb": _peak_rss_gb(),
            "files_mb": round(size / 2**20), "listeners": data.n_listeners, "artists": data.n_artists,
            "plays": len(data.plays)}


def _store(directory: str, overrides: str):
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.training.store import ModelStore, TrainConfig

    return ModelStore(load_dataset(directory), TrainConfig(overrides=json.loads(overrides)))


def train(directory: str, name: str, overrides: str) -> dict:
    store = _store(directory, overrides)
    model = store.get([name])[name]
    epochs = max(len(model.losses), 1)
    return {"model": name, "train_s": round(model.train_seconds, 1), "epochs": len(model.losses),
            "s_per_epoch": round(model.train_seconds / epochs, 2), "peak_rss_gb": _peak_rss_gb(),
            "cache_mb": round(store.path(name).stat().st_size / 2**20, 1)}


def _engine(directory: str, overrides: str):
    from cratedig.engine.api import Engine
    from cratedig.engine.training.store import TrainConfig

    engine = Engine(directory, config=TrainConfig(overrides=json.loads(overrides)))
    engine.load_models()
    return engine


def serve(directory: str, overrides: str) -> dict:
    engine = _engine(directory, overrides)
    data = engine.dataset
    rng = np.random.default_rng(0)
    listeners = iter(data.listener_ids[rng.integers(0, data.n_listeners, 400)].tolist())
    popular = np.argsort(-np.bincount(data.plays.artist, minlength=data.n_artists))[:2000]
    liked = iter([data.artist_ids[rng.choice(popular, 5, replace=False)].tolist() for _ in range(400)])
    artists = iter(data.artist_ids[rng.choice(popular, 400)].tolist())
    return {"listener": timed(lambda: engine.recommend_listener(next(listeners), 10), 200),
            "cold_start": timed(lambda: engine.recommend_liked(next(liked), 10), 200),
            "neighbours": timed(lambda: engine.neighbours(next(artists), "mf", 10), 200),
            "index_in_exact_top_100": _index_overlap(engine, rng.choice(data.n_listeners, 1024, replace=False)),
            "peak_rss_gb": _peak_rss_gb()}


def _index_overlap(engine, listeners) -> float | None:
    """The share of the exact top 100 candidates (every artist scored) that the default retriever's
    index proposes for these listeners; None below APPROXIMATE_ABOVE artists (no index)."""
    from cratedig.engine.models import base
    from cratedig.engine.models.pipeline import recommend
    from cratedig.engine.models.query import listeners_query

    retriever = engine.models[engine.default_retriever]
    if engine.dataset.n_artists <= base.APPROXIMATE_ABOVE:
        return None
    proposed = recommend(retriever, listeners_query(engine.dataset, np.sort(listeners)), 100).artists
    with approximate_above(engine.dataset.n_artists):  # every artist scored
        exact = recommend(retriever, listeners_query(engine.dataset, np.sort(listeners)), 100).artists
    return share_of_exact(proposed, exact)


def export(directory: str, overrides: str, output: str) -> dict:
    from cratedig.cli.recommend import (  # the CLI's own export, streamed
                                        _all_listeners_csv,
                                        _snapshot,
                                        )
    from cratedig.engine.api import output_target, write_output

    engine = _engine(directory, overrides)
    loaded_gb = _peak_rss_gb()
    start = time.perf_counter()
    pieces = _all_listeners_csv(engine, engine.default_retriever, True, 10, _snapshot(engine.data_dir), False)
    write_output(output_target(output), pieces)
    seconds = time.perf_counter() - start
    return {"listeners": engine.dataset.n_listeners, "export_s": round(seconds, 1),
            "listeners_per_s": round(engine.dataset.n_listeners / seconds), "peak_rss_gb": _peak_rss_gb(),
            "peak_rss_before_export_gb": loaded_gb, "output_mb": round(Path(output).stat().st_size / 2**20, 1)}


if __name__ == "__main__":
    step, *args = sys.argv[1:]
    print(json.dumps({"generate": generate, "load": load, "train": train, "serve": serve,
                      "export": export}[step](*args)))
