"""Importing a heavy scrobbler's history (1,000,000 listens, 15 years) as a ListenBrainz export zip
and as Spotify extended-history files, each in a fresh process (wall time and peak RSS of the
import: read, match to the catalogue, save); then recommending from the saved history (p50/p95 of
`Engine.recommend_history`, the saved file read each time). Files are made here from the formats'
documented fields (tests/history_samples.py), with catalogue names, typos and names the catalogue lacks.
At 100x (Last.fm-360K's size, synthetic): `--scale-dir DIR` reads the data and trained models an
earlier `python -m bench.scale --factors 100 --format lastfm-360k --keep DIR` left in DIR/x100.
Run: python -m bench.history_import [--data DIR] [--listens N] [--scale-dir DIR]"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import data_dir, parser, timed, write_result

ARTISTS = 3000
START = 1_262_304_000  # 2010-01-01
YEARS = 15


def listens(names: np.ndarray, popularity: np.ndarray, n: int, seed: int = 0) -> list[tuple[str, str, int]]:
    """n listens of ARTISTS artists (Zipf-like plays): four in five catalogue names as written,
    one in ten with a typo, one in ten absent from the catalogue."""
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(names), size=ARTISTS, replace=False, p=popularity / popularity.sum())
    chosen = [str(names[i]) for i in picked]
    for i in range(0, ARTISTS, 10):
        chosen[i] = f"Newer Artist {i}"
    for i in range(5, ARTISTS, 10):
        word = chosen[i]
        chosen[i] = word[:-2] + word[-1] + word[-2] if len(word) > 6 else word
    weights = 1.0 / np.arange(1, ARTISTS + 1) ** 0.9
    artist = rng.choice(ARTISTS, size=n, p=weights / weights.sum())
    times = np.sort(rng.integers(START, START + YEARS * 365 * 86400, size=n))
    return [(chosen[a], "", int(t)) for a, t in zip(artist.tolist(), times.tolist())]


def write_exports(folder: Path, events: list) -> dict[str, Path]:
    from tests import history_samples as samples

    lb = samples.listenbrainz_zip(folder / "listenbrainz.zip", events)
    spotify = folder / "spotify"
    spotify.mkdir()
    rows = samples.spotify_extended_rows(events)
    per_file = 16_000  # Spotify splits its extended history into files of about 12 MB
    for n, start in enumerate(range(0, len(rows), per_file)):
        (spotify / f"Streaming_History_Audio_{n}.json").write_text(json.dumps(rows[start:start + per_file]))
    return {"listenbrainz_zip": lb, "spotify_extended": spotify}


def open_engine(data: str, scale_dir: str | None):
    """The engine on `data`, or on the 100x data and models of a kept `bench.scale` run."""
    from cratedig.engine.api import Engine

    if not scale_dir:
        return Engine(data)
    from bench.scale import EPOCHS
    from cratedig.engine.training.store import TrainConfig

    os.environ["CRATEDIG_CACHE"] = str(Path(scale_dir) / "x100" / "cache")
    return Engine(Path(scale_dir) / "x100" / "data", config=TrainConfig(overrides=EPOCHS[100]))


def import_once(data: str, path: str, state: str, scale_dir: str = "") -> dict:
    """Run in a child process: the import's wall time and this process's peak RSS."""
    os.environ["CRATEDIG_STATE"] = state
    engine = open_engine(data, scale_dir)
    engine.catalog.matcher  # the catalogue's index is built once per dataset, not per import
    start = time.perf_counter()
    report = engine.import_history([path], "bench")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB -> MB on Linux
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak), "listens": report.listens,
            "artists": report.artists, "matched_share_of_plays": report.matched_share_of_plays}


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--listens", type=int, default=1_000_000)
    p.add_argument("--scale-dir", help="100x: the directory of a kept `bench.scale --factors 100` run")
    p.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(import_once(*args.child)))
        return
    from cratedig.engine.serving.catalog import Catalog

    data = "" if args.scale_dir else str(data_dir(args))
    engine = open_engine(data, args.scale_dir)
    popularity = Catalog(engine.dataset).popularity.astype(float) + 1
    figures: dict = {"listens": args.listens, "dataset": engine.dataset_kind, "artists": engine.dataset.n_artists,
                     "listeners": engine.dataset.n_listeners}
    with tempfile.TemporaryDirectory() as tmp:
        folder, state = Path(tmp), str(Path(tmp) / "state")
        exports = write_exports(folder, listens(engine.dataset.artist_names, popularity, args.listens))
        for name, path in exports.items():
            out = subprocess.run([sys.executable, "-m", "bench.history_import", "--child", data, str(path), state,
                                  args.scale_dir or ""],
                                 capture_output=True, text=True, check=True).stdout
            figures[name] = json.loads(out.strip().splitlines()[-1])
        os.environ["CRATEDIG_STATE"] = state
        engine.load_models()
        figures["recommend_from_saved_history"] = timed(lambda: engine.recommend_history("bench", 10), 50)
    name, command = "history_import", "python -m bench.history_import"
    if args.scale_dir:
        name, command = "history_import_100x", command + " --scale-dir DIR (after bench.scale --factors 100 --keep DIR)"
    write_result(name, command, figures)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
