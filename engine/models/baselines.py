"""Baselines every model must beat: MostPop and item-kNN (cosine), on the same interface."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from engine.data.features import artist_popularity, interactions
from engine.models.base import Retriever
from engine.models.query import Query


class MostPopular(Retriever):
    name = "mostpop"

    def _fit(self, dataset, progress, strategy, upstream):
        self.popularity = artist_popularity(dataset).astype(np.float32)

    def score(self, query: Query, candidates=None):
        scores = np.broadcast_to(self.popularity, (len(query), len(self.popularity)))
        if candidates is None:
            return np.array(scores)
        candidates = np.asarray(candidates)
        return np.array(self.popularity[candidates] if candidates.ndim == 2
                        else np.broadcast_to(self.popularity[candidates], (len(query), len(candidates))))

    def to_arrays(self):
        return {"popularity": self.popularity}

    def load_arrays(self, arrays, dataset, upstream):
        self.popularity = arrays["popularity"]


class ItemKNN(Retriever):
    """score(q, j) = sum over liked i of cos(i, j), with cosine over listener columns, computed as
    ((q / |col|) X^T) (X / |col|) so the artist x artist matrix is never built."""

    name = "itemknn"

    def _fit(self, dataset, progress, strategy, upstream):
        self._prepare(interactions(dataset))

    def _prepare(self, matrix: sp.csr_matrix) -> None:
        norms = np.sqrt(np.asarray(matrix.sum(axis=0)).ravel())
        self.inverse_norm = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0).astype(np.float32)
        self.matrix_t = matrix.T.tocsr()
        self.normalised = (matrix @ sp.diags(self.inverse_norm)).tocsr()

    def score(self, query: Query, candidates=None):
        liked = (query.history > 0).astype(np.float32) @ sp.diags(self.inverse_norm)
        scores = np.asarray(((liked @ self.matrix_t) @ self.normalised).todense(), dtype=np.float32)
        if candidates is None:
            return scores
        candidates = np.asarray(candidates)
        return (np.take_along_axis(scores, candidates, axis=1) if candidates.ndim == 2
                else scores[:, candidates])

    def to_arrays(self):
        return {}

    def load_arrays(self, arrays, dataset, upstream):
        self._prepare(interactions(dataset))
