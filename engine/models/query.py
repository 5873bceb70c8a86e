"""Who a model is asked about: a batch of listeners, each described by what they play."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np
import scipy.sparse as sp

from cratedig.engine.data.types import Dataset

if TYPE_CHECKING:
    from cratedig.engine.models.base import Recommender


@dataclass(frozen=True, eq=False)
class Query:
    """Listeners described by what they play. `listeners` holds dataset indices, -1 for a simulated
    listener; `history` is (batch, n_artists) with each row's weights L2-normalised.

    A query remembers each model's full score rows once computed, so one request scores a model
    once however many stages ask for it (retrieval, the ranker's features, the score columns)."""

    listeners: np.ndarray
    history: sp.csr_matrix
    _full_scores: dict = field(default_factory=dict, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.listeners)

    def scores(self, model: "Recommender", candidates: np.ndarray | None = None) -> np.ndarray:
        """`model.score` for this query: every artist (computed once, then remembered; read-only),
        or only `candidates` (1-D for every row, or 2-D one list per row)."""
        full = self._full_scores.get(model)
        if full is None and candidates is None:
            full = np.asarray(model.score(self))
            full.setflags(write=False)
            self._full_scores[model] = full
        if full is None:
            return model.score(self, candidates)
        if candidates is None:
            return full
        candidates = np.asarray(candidates)
        return full[:, candidates] if candidates.ndim == 1 else np.take_along_axis(full, candidates, axis=1)

    def rows(self, rows: slice) -> "Query":
        """Some rows of this query, sharing the score rows it remembers (as views, not copies)."""
        part = Query(self.listeners[rows], self.history[rows])
        part._full_scores.update({model: full[rows] for model, full in self._full_scores.items()})
        return part


def listeners_query(dataset: Dataset, listeners: Sequence[int] | np.ndarray) -> Query:
    """Real listeners (dataset indices) with their play history in `dataset`."""
    listeners = np.asarray(listeners, dtype=np.int64)
    return Query(listeners, dataset.history[listeners])


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
