"""Synthetic data at Last.fm-360K size (~360k listeners, ~160k artists, ~17.5M plays): generate,
load, build features; report seconds and peak memory (must stay well inside 24 GB).
Run: python bench/scale.py [--listeners 360000 --artists 160000]"""
import json
import resource
import tempfile
import time
from pathlib import Path

from bench.common import machine


def main() -> None:
    import argparse

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--listeners", type=int, default=360_000)
    p.add_argument("--artists", type=int, default=160_000)
    p.add_argument("--mean-artists", type=float, default=49.0)
    args = p.parse_args()
    from engine.data.dataset import load_dataset
    from engine.data.features import artist_genres, normalised_weights
    from engine.data.split import holdout_split
    from engine.data.synthetic import SyntheticSpec, generate

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        generate(Path(tmp), SyntheticSpec(listeners=args.listeners, artists=args.artists, genres=20,
                                          mean_artists_per_listener=args.mean_artists, seed=1))
        generated = time.perf_counter() - start
        start = time.perf_counter()
        data = load_dataset(tmp)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        normalised_weights(data)
        artist_genres(data)
        holdout_split(data)
        features = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(json.dumps({"bench": "scale", "listeners": data.n_listeners, "artists": data.n_artists,
                      "plays": len(data.plays), "tag_assignments": len(data.taggings),
                      "generate_s": round(generated, 1), "load_s": round(loaded, 1),
                      "features_and_split_s": round(features, 1), "peak_rss_gb": round(peak_gb, 2),
                      "machine": machine()}))


if __name__ == "__main__":
    main()
