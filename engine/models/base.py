"""One small interface for every model (as implicit's RecommenderBase): fit, score, vectors, export;
and the two roles a model plays in a pipeline, `Retriever` and `Ranker`.

Training uses TensorFlow; serving is NumPy over the exported arrays, so the app and the CLI answer
without importing TensorFlow."""
from __future__ import annotations

import time
from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from cratedig.engine.data.types import Dataset
from cratedig.engine.models.ann import APPROXIMATE_ABOVE, ArtistIndex
from cratedig.engine.models.query import Query
from cratedig.engine.models.tuned import tuned_values
from cratedig.engine.progress import ProgressFn


class Recommender(ABC):
    """What every model looks like from outside. Consumers never ask which model it is."""

    name: ClassVar[str]
    #: hyperparameters before tuning; a model's `params` are these, updated by the values chosen on
    #: validation (engine/models/tuned.json, see `default_params`), then by what it was built with
    defaults: ClassVar[dict[str, Any]] = {}
    #: models this one is built on (trained first, handed to `fit` as `upstream`)
    requires: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **params: Any):
        self.params = {**self.default_params(), **params}
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

    @classmethod
    def default_params(cls) -> dict[str, Any]:
        """`defaults` updated by the values chosen on the validation split (engine.models.tuned)."""
        return {**cls.defaults, **tuned_values().get(cls.name, {})}

    @classmethod
    def check_trainable(cls, dataset: Dataset) -> None:
        """Raise UsageError, before any training, if `dataset` is too small for this model."""

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


class Retriever(Recommender):
    """Scores every artist cheaply, so it can propose candidates from the whole catalogue."""

    def approximate_top(self, query: Query, n: int,
                        blocked: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The n best artists per row that `blocked` does not name, from an index (artists, scores,
        whether each row found n), or None: the caller scores every artist (the default)."""
        return None


class Ranker(Recommender):
    """Re-scores a retriever's candidates (`score`: how likely the listener plays each) and
    predicts how much they would play it."""

    @abstractmethod
    def predict_weight(self, query: Query, candidates: np.ndarray) -> np.ndarray:
        """The normalised play weight each candidate would get if played, (batch, n_candidates)."""

    def candidate_sources(self) -> tuple[tuple[Retriever, int], ...]:
        """Retrievers whose best n candidates the ranker also re-orders, beside the pipeline's
        retriever's (the union of both): none by default."""
        return ()


class EmbeddingRetriever(Retriever):
    """A two-tower / factorisation model: score = <listener vector, artist vector>."""

    artists: np.ndarray

    @abstractmethod
    def listener_vectors(self, query: Query) -> np.ndarray: ...

    def artist_vectors(self) -> np.ndarray:
        return self.artists

    def calibration_listeners(self) -> np.ndarray | None:
        """Listener vectors to choose the index's nprobe by (training listeners, never test ones)."""
        return None

    def approximate_top(self, query, n, blocked):
        """Above APPROXIMATE_ABOVE artists, a faiss index over the artist vectors (built on first
        use, its nprobe chosen on the model's own listener vectors); below it, None."""
        if len(self.artists) <= APPROXIMATE_ABOVE:
            return None
        built = getattr(self, "_artist_index", None)
        if built is None or built[0] is not self.artists:
            built = self._artist_index = (self.artists, ArtistIndex.build(self.artists, self.calibration_listeners()))
        return built[1].search(self.listener_vectors(query), n, blocked)

    def score(self, query: Query, candidates: np.ndarray | None = None) -> np.ndarray:
        users = self.listener_vectors(query)
        if candidates is None:
            return users @ self.artists.T
        candidates = np.asarray(candidates)
        if candidates.ndim == 1:
            return users @ self.artists[candidates].T
        return np.einsum("bd,bcd->bc", users, self.artists[candidates])


class FactorModel(EmbeddingRetriever):
    """An embedding model with a learnt vector per training listener (`users`); a simulated
    listener is folded in against the frozen artist vectors."""

    users: np.ndarray

    def calibration_listeners(self) -> np.ndarray:
        return self.users

    @abstractmethod
    def fold_in(self, artists: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The listener vector for someone who played `artists` with these (normalised) weights."""

    def fold_in_many(self, history: sp.csr_matrix) -> np.ndarray:
        """`fold_in` for every row of `history` (rows: simulated listeners; values: weights), one
        (rows, dim) array. Models override it with one batched computation; this is the reference."""
        return np.stack([self.fold_in(row.indices, row.data) for row in history]) if history.shape[0] \
            else np.zeros((0, self.artists.shape[1]), np.float32)

    def listener_vectors(self, query: Query) -> np.ndarray:
        known = query.listeners >= 0
        out = np.empty((len(query), self.artists.shape[1]), np.float32)
        out[known] = self.users[query.listeners[known]]
        unknown = np.flatnonzero(~known)
        if len(unknown):
            out[unknown] = self.fold_in_many(query.history[unknown].tocsr())
        return out
