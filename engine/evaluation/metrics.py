"""Top-K ranking metrics over held-out pairs: Recall, NDCG, HitRate, coverage; and RMSE."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cratedig.engine.data.features import artist_popularity
from cratedig.engine.data.split import Split

#: the most played artists; the rest are the long tail
HEAD_ARTISTS = 1000


@dataclass(frozen=True)
class Metrics:
    recall: float
    ndcg: float
    hit_rate: float
    coverage: float


def per_row(recommended: np.ndarray, relevant: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(rows with any relevant item, their Recall@K, NDCG@K, hit) with K = recommended.shape[1]."""
    k = recommended.shape[1]
    n_relevant = np.diff(relevant.indptr)
    rows = np.flatnonzero(n_relevant > 0)
    given = recommended[rows] >= 0  # -1: nothing left to recommend in that place
    hits = (np.asarray(relevant[rows[:, None], np.maximum(recommended[rows], 0)].todense()) > 0) & given
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ideal_len = np.minimum(n_relevant[rows], k)
    idcg = np.cumsum(discounts)[ideal_len - 1]
    return rows, hits.sum(1) / ideal_len, (hits * discounts).sum(1) / idcg, hits.any(1)


def ranking_metrics(recommended: np.ndarray, relevant: sp.csr_matrix, n_items: int) -> Metrics:
    """Recall@K (hits / min(K, |relevant|)), NDCG@K, HitRate@K over rows with any relevant item;
    coverage = share of all items recommended to anyone. `recommended` is (rows, K), best first."""
    rows, recall, ndcg, hit = per_row(recommended, relevant)
    given = recommended[rows] >= 0
    coverage = len(np.unique(recommended[rows][given])) / n_items
    return Metrics(float(recall.mean()), float(ndcg.mean()), float(hit.mean()), coverage)


def paired_bootstrap(differences: np.ndarray, resamples: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """(mean, low, high): the mean of per-listener `differences` and its 95 % percentile-bootstrap
    interval (scipy.stats.bootstrap, listeners resampled with replacement): an interval for a paired
    difference between two models. Percentile rather than scipy's default BCa, whose jackknife
    holds a listeners x listeners array (2.6 GB at 18,000 listeners)."""
    from scipy.stats import bootstrap

    differences = np.asarray(differences, dtype=np.float64)
    interval = bootstrap((differences,), np.mean, n_resamples=resamples, confidence_level=0.95, method="percentile",
                         random_state=np.random.default_rng(seed), vectorized=True, batch=100).confidence_interval
    return float(differences.mean()), float(interval.low), float(interval.high)


def evaluated_listeners(split: Split) -> np.ndarray:
    """The listeners (dataset indices) with held-out artists: the rows every metric is over."""
    return np.flatnonzero(np.diff(split.held_out().indptr) > 0)


def evaluated_relevance(split: Split) -> sp.csr_matrix:
    """The held-out artists of the evaluated listeners, one row each (what recommendations are
    measured against), in `evaluated_listeners` order."""
    return split.held_out()[evaluated_listeners(split)]


def long_tail_relevance(split: Split, head: int = HEAD_ARTISTS) -> sp.csr_matrix:
    """`evaluated_relevance` without the `head` most played artists (by listeners in the training
    part): what a model finds beyond the obvious."""
    popularity = artist_popularity(split.train)
    tail = np.ones(split.train.n_artists, np.float32)
    tail[np.argsort(-popularity, kind="stable")[:head]] = 0.0
    relevant = evaluated_relevance(split) @ sp.diags(tail)
    relevant.eliminate_zeros()
    return relevant.tocsr()


def measure(recommended: np.ndarray, split: Split, ks: tuple[int, ...] = (10, 20)) -> dict[str, float | None]:
    """The metrics of `ranking_metrics` at each K, and long-tail Recall@K (held-out artists outside
    the HEAD_ARTISTS most played; over listeners with any; None if nobody has any). `recommended` is (listeners, max(ks)),
    best first, one row per `evaluated_listeners(split)`, each listener's train artists already
    excluded."""
    sub = evaluated_relevance(split)
    tail = long_tail_relevance(split, HEAD_ARTISTS)
    out: dict[str, float] = {}
    for k in ks:
        m = ranking_metrics(recommended[:, :k], sub, split.train.n_artists)
        out.update({f"recall@{k}": m.recall, f"ndcg@{k}": m.ndcg, f"hit_rate@{k}": m.hit_rate,
                    f"coverage@{k}": m.coverage, f"tail_recall@{k}": _mean_or_none(per_row(recommended[:, :k], tail)[1])})
    return out


def _mean_or_none(values: np.ndarray) -> float | None:
    """None where nobody has anything to measure (a catalogue of at most HEAD_ARTISTS artists)."""
    return float(values.mean()) if len(values) else None


def rmse(predicted: np.ndarray, actual: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(predicted) - np.asarray(actual)) ** 2)))
