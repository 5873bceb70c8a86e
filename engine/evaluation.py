"""The evaluation protocol: a seeded per-listener hold-out split and top-K ranking metrics."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.sparse as sp

from engine.dataset import Dataset
from engine.features import interactions, normalised_weights

HOLDOUT_FRACTION = 0.2
MIN_ARTISTS_TO_SPLIT = 5


@dataclass(frozen=True)
class Split:
    """Training data (held-out pairs and their tag assignments removed) and the held-out pairs."""

    train: Dataset
    test_listener: np.ndarray
    test_artist: np.ndarray
    test_weight: np.ndarray
    test_target: np.ndarray  # the seed's target: weight / L2 norm of the listener's weights (all data)

    def held_out(self) -> sp.csr_matrix:
        """Listener x artist binary matrix of the held-out pairs."""
        ones = np.ones(len(self.test_listener), dtype=np.float32)
        return sp.csr_matrix((ones, (self.test_listener, self.test_artist)),
                             shape=(self.train.n_listeners, self.train.n_artists))

    def held_out_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The held-out pairs regrouped as one row per listener: (listeners, artists, row, column)
        with `artists` (n_listeners, most held out) padded with artist 0 and pair i at
        [row[i], column[i]]."""
        listeners, row = np.unique(self.test_listener, return_inverse=True)
        order = np.argsort(row, kind="stable")
        starts = np.searchsorted(row[order], np.arange(len(listeners)))
        column = np.empty(len(row), dtype=np.int64)
        column[order] = np.arange(len(row)) - starts[row[order]]
        artists = np.zeros((len(listeners), column.max(initial=-1) + 1), dtype=np.int64)
        artists[row, column] = self.test_artist
        return listeners, artists, row, column


def holdout_split(dataset: Dataset, fraction: float = HOLDOUT_FRACTION, seed: int = 42,
                  min_artists: int = MIN_ARTISTS_TO_SPLIT) -> Split:
    """Hold out `fraction` of each listener's artists (rounded, at least one); listeners with
    fewer than `min_artists` artists stay whole in train."""
    plays = dataset.plays
    rng = np.random.default_rng(seed)
    order = np.lexsort((rng.random(len(plays)), plays.listener))
    counts = np.bincount(plays.listener, minlength=dataset.n_listeners)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank_in_listener = np.empty(len(plays), dtype=np.int64)
    rank_in_listener[order] = np.arange(len(plays)) - starts[plays.listener[order]]
    n_held = np.where(counts >= min_artists, np.maximum(1, np.rint(counts * fraction)), 0).astype(np.int64)
    held = rank_in_listener < n_held[plays.listener]
    target = normalised_weights(dataset)[held]
    return Split(dataset.with_plays(~held), plays.listener[held], plays.artist[held], plays.weight[held], target)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores per row, best first (ties: lower index first)."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    return np.take_along_axis(part, order, axis=1)


def exclude_seen(scores: np.ndarray, seen: sp.csr_matrix) -> np.ndarray:
    """Set scores of already-played artists to -inf, in place; returns scores."""
    rows, cols = seen.nonzero()
    scores[rows, cols] = -np.inf
    return scores


@dataclass(frozen=True)
class Metrics:
    recall: float
    ndcg: float
    hit_rate: float
    coverage: float


def ranking_metrics(recommended: np.ndarray, relevant: sp.csr_matrix, n_items: int) -> Metrics:
    """Recall@K (hits / min(K, |relevant|)), NDCG@K, HitRate@K over rows with any relevant item;
    coverage = share of all items recommended to anyone. `recommended` is (rows, K), best first."""
    k = recommended.shape[1]
    n_relevant = np.diff(relevant.indptr)
    rows = np.flatnonzero(n_relevant > 0)
    hits = np.asarray(relevant[rows[:, None], recommended[rows]].todense()) > 0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ideal_len = np.minimum(n_relevant[rows], k)
    idcg = np.cumsum(discounts)[ideal_len - 1]
    recall = hits.sum(1) / ideal_len
    ndcg = (hits * discounts).sum(1) / idcg
    coverage = len(np.unique(recommended[rows])) / n_items
    return Metrics(float(recall.mean()), float(ndcg.mean()), float(hits.any(1).mean()), coverage)


ScoreFn = Callable[[np.ndarray], np.ndarray]
"""Maps a batch of listener indices to a (batch, n_artists) score matrix."""

RecommendFn = Callable[[np.ndarray, int], np.ndarray]
"""Maps a batch of listener indices and K to (batch, K) artist indices, best first, with each
listener's train artists already excluded."""


def evaluate_scores(score_fn: ScoreFn, split: Split, ks: tuple[int, ...] = (10, 20),
                    batch: int = 1024) -> dict[str, float]:
    """Full ranking over all artists, train artists excluded, for every listener with held-out
    artists. Returns {"recall@10": ..., "ndcg@10": ..., "hit_rate@10": ..., "coverage@10": ...}."""
    seen = interactions(split.train)

    def recommend(chunk: np.ndarray, k: int) -> np.ndarray:
        scores = np.array(score_fn(chunk), dtype=np.float64)
        return top_k(exclude_seen(scores, seen[chunk]), k)

    return evaluate_recommendations(recommend, split, ks, batch)


def evaluate_recommendations(recommend: RecommendFn, split: Split, ks: tuple[int, ...] = (10, 20),
                             batch: int = 1024) -> dict[str, float]:
    """The metrics of `ranking_metrics` at each K, over listeners with held-out artists."""
    relevant = split.held_out()
    listeners = np.flatnonzero(np.diff(relevant.indptr) > 0)
    kmax = max(ks)
    recommended = np.concatenate([recommend(listeners[i:i + batch], kmax)
                                  for i in range(0, len(listeners), batch)])
    sub = relevant[listeners]
    out: dict[str, float] = {}
    for k in ks:
        m = ranking_metrics(recommended[:, :k], sub, split.train.n_artists)
        out.update({f"recall@{k}": m.recall, f"ndcg@{k}": m.ndcg, f"hit_rate@{k}": m.hit_rate,
                    f"coverage@{k}": m.coverage})
    return out


def rmse(predicted: np.ndarray, actual: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(predicted) - np.asarray(actual)) ** 2)))
