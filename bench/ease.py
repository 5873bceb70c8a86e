"""EASE (Steck 2019) on the evaluation split, in NumPy: the bar the best cratedig model must reach.
It goes through the same recommend path and metrics as `cratedig eval`.

Run: python bench/ease.py [--data DIR] [--lambda 50]. Not part of the app."""
from __future__ import annotations

import argparse
import json

import numpy as np

from engine.api import locate_data
from engine.data.dataset import load_dataset
from engine.data.features import interactions
from engine.data.split import holdout_split
from engine.evaluation.metrics import evaluated_listeners, measure
from engine.models.base import Retriever
from engine.models.pipeline import recommend
from engine.models.query import listeners_query


def ease_weights(matrix, lam: float) -> np.ndarray:
    gram = (matrix.T @ matrix).toarray().astype(np.float64)
    gram[np.diag_indices_from(gram)] += lam
    precision = np.linalg.inv(gram)
    weights = precision / (-np.diag(precision))
    weights[np.diag_indices_from(weights)] = 0.0
    return weights.astype(np.float32)


class Ease(Retriever):
    """score(listener) = binary history @ B, B the closed-form item-item weights."""

    name = "ease"
    defaults = {"lam": 50.0}

    def _fit(self, dataset, progress, strategy, upstream):
        self.weights = ease_weights(interactions(dataset), self.params["lam"])

    def score(self, query, candidates=None):
        scores = np.asarray((query.history > 0).astype(np.float32) @ self.weights)
        if candidates is None:
            return scores
        candidates = np.asarray(candidates)
        return np.take_along_axis(scores, candidates, axis=1) if candidates.ndim == 2 else scores[:, candidates]

    def to_arrays(self):
        return {"weights": self.weights}

    def load_arrays(self, arrays, dataset, upstream):
        self.weights = arrays["weights"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--lambda", dest="lam", type=float, default=50.0)
    args = parser.parse_args()
    split = holdout_split(load_dataset(locate_data(args.data)))
    model = Ease(lam=args.lam).fit(split.train)
    recommended = recommend(model, listeners_query(split.train, evaluated_listeners(split)), 20).artists
    print(json.dumps({"model": "ease", "lambda": args.lam, "train_seconds": round(model.train_seconds, 1),
                      **{k: round(v, 4) for k, v in measure(recommended, split).items()}}))


if __name__ == "__main__":
    main()
