"""One small interface for every model (as implicit's RecommenderBase): fit, score, vectors, export.

Training uses TensorFlow; serving is NumPy over the exported arrays, so the app and the CLI answer
without importing TensorFlow."""
from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Sequence

import numpy as np
import scipy.sparse as sp

from engine.dataset import Dataset
from engine.features import interactions, normalised_weights
from engine.progress import ProgressFn


@dataclass(frozen=True)
class Query:
    """Listeners described by what they play. `listeners` holds dataset indices, -1 for a simulated
    listener; `history` is (batch, n_artists) with each row's weights L2-normalised."""

    listeners: np.ndarray
    history: sp.csr_matrix

    def __len__(self) -> int:
        return len(self.listeners)


def history_matrix(dataset: Dataset) -> sp.csr_matrix:
    """Listener x artist matrix of per-listener L2-normalised play weights (memoised per dataset)."""
    if "history" not in dataset._cache:
        dataset._cache["history"] = interactions(dataset, normalised_weights(dataset))
    return dataset._cache["history"]


def listeners_query(dataset: Dataset, listeners: Sequence[int] | np.ndarray) -> Query:
    listeners = np.asarray(listeners, dtype=np.int64)
    return Query(listeners, history_matrix(dataset)[listeners])


def liked_query(n_artists: int, liked: Sequence[Sequence[int]],
                weights: Sequence[Sequence[float]] | None = None) -> Query:
    """Simulated listeners from liked artists (equal weights unless given), rows L2-normalised."""
    rows, cols, vals = [], [], []
    for i, artists in enumerate(liked):
        artists = np.unique(np.asarray(artists, dtype=np.int64))
        w = np.ones(len(artists)) if weights is None else np.asarray(weights[i], dtype=float)
        w = w / max(np.linalg.norm(w), 1e-12)
        rows.extend([i] * len(artists))
        cols.extend(artists.tolist())
        vals.extend(w.tolist())
    history = sp.csr_matrix((np.asarray(vals, np.float32), (rows, cols)), shape=(len(liked), n_artists))
    return Query(np.full(len(liked), -1, dtype=np.int64), history)


class Recommender(ABC):
    """What every model looks like from outside. Consumers never ask which model it is."""

    name: ClassVar[str]
    #: models this one is built on (trained first, handed to `fit` as `upstream`)
    requires: ClassVar[tuple[str, ...]] = ()
    #: "retrieval" models score every artist cheaply; "ranking" models re-score a candidate list.
    stage: ClassVar[str] = "retrieval"

    def __init__(self, **params: Any):
        self.params = params
        self.losses: list[float] = []
        self.train_seconds = 0.0

    def fit(self, dataset: Dataset, progress: ProgressFn | None = None, strategy: Any = None,
            upstream: dict[str, "Recommender"] | None = None) -> "Recommender":
        """Train on `dataset`. `strategy` is a tf.distribute strategy (default: the current one);
        `upstream` holds the trained models named in `requires`."""
        missing = [name for name in self.requires if not upstream or name not in upstream]
        if missing:
            raise ValueError(f"{self.name} needs trained {', '.join(missing)} first")
        start = time.perf_counter()
        self._fit(dataset, progress, strategy, upstream or {})
        self.train_seconds = time.perf_counter() - start
        return self

    @abstractmethod
    def _fit(self, dataset: Dataset, progress: ProgressFn | None, strategy: Any,
             upstream: dict[str, "Recommender"]) -> None: ...

    @abstractmethod
    def score(self, query: Query, candidates: np.ndarray | None = None) -> np.ndarray:
        """Scores (batch, n_candidates), or (batch, n_artists) when `candidates` is None.
        `candidates` is 1-D (same for every row) or 2-D (one list per row)."""

    def artist_vectors(self) -> np.ndarray | None:
        """The model's artist embedding space, for neighbours; None where there is none."""
        return None

    @abstractmethod
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Everything serving needs, as plain arrays (saved with np.savez, loaded without pickle)."""

    @abstractmethod
    def load_arrays(self, arrays: dict[str, np.ndarray], dataset: Dataset,
                    upstream: dict[str, "Recommender"]) -> None:
        """Restore from `to_arrays()`; `upstream` holds the loaded models named in `requires`."""


class EmbeddingRecommender(Recommender):
    """A two-tower / factorisation model: score = <listener vector, artist vector>."""

    artists: np.ndarray

    @abstractmethod
    def listener_vectors(self, query: Query) -> np.ndarray: ...

    def artist_vectors(self) -> np.ndarray:
        return self.artists

    def score(self, query: Query, candidates: np.ndarray | None = None) -> np.ndarray:
        users = self.listener_vectors(query)
        if candidates is None:
            return users @ self.artists.T
        candidates = np.asarray(candidates)
        if candidates.ndim == 1:
            return users @ self.artists[candidates].T
        return np.einsum("bd,bcd->bc", users, self.artists[candidates])


class FactorModel(EmbeddingRecommender):
    """An embedding model with a learnt vector per training listener (`users`); a simulated
    listener is folded in against the frozen artist vectors."""

    users: np.ndarray

    @abstractmethod
    def fold_in(self, artists: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The listener vector for someone who played `artists` with these (normalised) weights."""

    def listener_vectors(self, query: Query) -> np.ndarray:
        known = query.listeners >= 0
        out = np.empty((len(query), self.artists.shape[1]), np.float32)
        out[known] = self.users[query.listeners[known]]
        for i in np.flatnonzero(~known):
            row = query.history[i]
            out[i] = self.fold_in(row.indices, row.data)
        return out
