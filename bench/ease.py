"""EASE (Steck 2019) on the evaluation split, in NumPy: the bar the best cratedig model must reach.

Run: python bench/ease.py [--data DIR] [--lambda 50]. Not part of the app."""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from engine.dataset import load_dataset
from engine.evaluation import evaluate_scores, holdout_split
from engine.features import interactions
from engine.paths import resolve_data_dir


def ease_weights(matrix, lam: float) -> np.ndarray:
    gram = (matrix.T @ matrix).toarray().astype(np.float64)
    gram[np.diag_indices_from(gram)] += lam
    precision = np.linalg.inv(gram)
    weights = precision / (-np.diag(precision))
    weights[np.diag_indices_from(weights)] = 0.0
    return weights.astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--lambda", dest="lam", type=float, default=50.0)
    args = parser.parse_args()
    split = holdout_split(load_dataset(resolve_data_dir(args.data)))
    train = interactions(split.train)
    start = time.perf_counter()
    weights = ease_weights(train, args.lam)
    seconds = time.perf_counter() - start
    result = evaluate_scores(lambda rows: np.asarray((train[rows] @ weights)), split)
    print(json.dumps({"model": "ease", "lambda": args.lam, "train_seconds": round(seconds, 1),
                      **{k: round(v, 4) for k, v in result.items()}}))


if __name__ == "__main__":
    main()
