"""Approximate candidate retrieval on large catalogues: faiss's IndexIVFFlat (engine/models/ann.py)
against exact search (every artist scored) and against the NumPy inverted file it replaced
(bench/ivf_numpy.py, 16 of about sqrt(n) lists probed), at 10x and 100x Last.fm-360K-format
synthetic data with `mf` trained as `bench.scale` trains it.

faiss's nprobe is chosen as the engine chooses it, on one half of the training listeners'
vectors; recall and latency are measured on a seeded sample of the other half. A request is one
listener: their 100 best unplayed artists (what the ranker receives), as the app and the API ask.
Recall@k is the share of the exact top k (unplayed) that the index's top k holds.
Run: python -m bench.approximate_retrieval --scale-dir DIR [--factors 10,100] [--requests 300]"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from bench.common import parser, share_of_exact, timed, write_result

CANDIDATES = 100


def _data_and_mf(root: Path, factor: int):
    """The factor's data (generated when missing, as bench.scale does) and its trained mf."""
    from bench.scale import BASE_ARTISTS, BASE_LISTENERS, EPOCHS
    from bench.scale_step import generate

    data, cache = root / f"x{factor}" / "data", root / f"x{factor}" / "cache"
    os.environ["CRATEDIG_CACHE"] = str(cache)
    if not (data / "usersha1-artmbid-artname-plays.tsv").is_file():
        generate(str(data), str(BASE_LISTENERS * factor), str(BASE_ARTISTS * factor), "lastfm-360k")
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.training.store import ModelStore, TrainConfig

    dataset = load_dataset(data)
    start = time.perf_counter()
    mf = ModelStore(dataset, TrainConfig(overrides=EPOCHS[factor])).get(["mf"])["mf"]
    return dataset, mf, round(time.perf_counter() - start, 1)


def _exact(users, artists, history, rows, k):
    scores = users[rows] @ artists.T
    seen = history[rows]
    scores[np.repeat(np.arange(len(rows)), np.diff(seen.indptr)), seen.indices] = -np.inf
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    return np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1), axis=1)


def measure(root: Path, factor: int, requests: int) -> dict:
    from bench.ivf_numpy import InvertedLists
    from cratedig.engine.models.ann import ArtistIndex

    dataset, mf, train_s = _data_and_mf(root, factor)
    users, artists, history = mf.users, np.ascontiguousarray(mf.artists, np.float32), dataset.history.tocsr()
    rng = np.random.default_rng(0)
    order = rng.permutation(len(users))
    calibration, held = np.sort(order[: len(order) // 2]), np.sort(order[len(order) // 2:][:2_000])
    exact = _exact(users, artists, history, held, CANDIDATES)

    start = time.perf_counter()
    faiss_index = ArtistIndex.build(artists, users[calibration])
    faiss_build = time.perf_counter() - start
    start = time.perf_counter()
    numpy_index = InvertedLists.build(artists)
    numpy_build = time.perf_counter() - start

    def one_request_each(search):
        """p50/p95 of `search(row)` over the held-out rows, one row a call (bench.common.timed)."""
        rows = iter(held)
        return timed(lambda: search(next(rows)), requests)

    figures = {"listeners": int(dataset.n_listeners), "artists": int(dataset.n_artists), "mf_load_or_train_s": train_s,
               "lists": faiss_index.n_lists}
    for name, index, build, probes in (("numpy_ivf", numpy_index, numpy_build, 16),
                                       ("faiss_ivf", faiss_index, faiss_build, faiss_index.nprobe)):
        found = index.search(users[held], CANDIDATES, history[held])[0]
        figures[name] = {"build_s": round(build, 2), "nprobe": int(probes),
                         "recall@10": share_of_exact(found[:, :10], exact[:, :10]),
                         "recall@100": share_of_exact(found, exact),
                         **one_request_each(lambda row: index.search(users[row:row + 1], CANDIDATES,
                                                                     history[row:row + 1]))}
    figures["faiss_ivf"]["calibration_recall"] = {str(p): round(r, 4) for p, r in faiss_index.recall.items()}
    figures["exact"] = one_request_each(lambda row: _exact(users, artists, history, np.array([row]), CANDIDATES))
    return figures


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--scale-dir", required=True, help="a `bench.scale --keep` folder (x10/, x100/; made when missing)")
    p.add_argument("--factors", default="10,100")
    p.add_argument("--requests", type=int, default=300)
    args = p.parse_args()
    root = Path(args.scale_dir)
    results = {}
    for factor in (int(f) for f in args.factors.split(",")):
        results[f"{factor}x"] = measure(root, factor, args.requests)
        print(json.dumps({f"{factor}x": results[f"{factor}x"]}), flush=True)
    write_result("approximate_retrieval", f"python -m bench.approximate_retrieval --scale-dir DIR --factors {args.factors}",
                 results)


if __name__ == "__main__":
    main()
