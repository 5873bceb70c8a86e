"""Baselines every model must beat, on the same interface: MostPop, item-kNN (cosine), EASE, RP3β."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cratedig.engine.data.features import artist_popularity, interactions
from cratedig.engine.models.base import Retriever
from cratedig.engine.models.query import Query
from cratedig.engine.ops import normalised_rows, top_neighbours


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
    ((q / |col|) X^T) (X / |col|) so the artist x artist matrix is never built.

    With `neighbours` = k, only each artist's k most similar artists count (a sparse artist x
    artist list, built a chunk at a time): what keeps scoring cheap at 160,000 artists, where the
    exact product touches every listener of every liked artist."""

    name = "itemknn"
    defaults = {"neighbours": None}

    def _fit(self, dataset, progress, strategy, upstream):
        self._prepare(interactions(dataset))

    def _prepare(self, matrix: sp.csr_matrix) -> None:
        norms = np.sqrt(np.asarray(matrix.sum(axis=0)).ravel())
        self.inverse_norm = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0).astype(np.float32)
        self.normalised = (matrix @ sp.diags(self.inverse_norm)).tocsr()
        k = self.params["neighbours"]
        self.similar = None if k is None else top_neighbours(self.normalised, int(k))
        self.matrix_t = matrix.T.tocsr() if k is None else None

    def score(self, query: Query, candidates=None):
        liked = (query.history > 0).astype(np.float32)
        if self.similar is not None:
            scores = (liked @ self.similar).tocsr()
        else:
            liked = liked @ sp.diags(self.inverse_norm)
            scores = ((liked @ self.matrix_t) @ self.normalised).tocsr()
        if candidates is None:
            return np.asarray(scores.todense(), dtype=np.float32)
        # Only the asked cells leave the sparse product: at 160,000 artists densifying whole rows
        # to read a few thousand columns of them cost more than the product.
        candidates = np.asarray(candidates) % scores.shape[1]  # -1 reads the last column, as on a dense row
        if candidates.ndim == 1:
            return np.asarray(scores[:, candidates].todense(), dtype=np.float32)
        rows = np.repeat(np.arange(len(candidates)), candidates.shape[1])
        return np.asarray(scores[rows, candidates.ravel()], dtype=np.float32).reshape(candidates.shape)

    def to_arrays(self):
        return {}

    def load_arrays(self, arrays, dataset, upstream):
        self._prepare(interactions(dataset))


def pick_candidates(scores: np.ndarray, candidates) -> np.ndarray:
    """Full score rows cut to `candidates` (1-D for every row, 2-D one list per row)."""
    if candidates is None:
        return scores
    candidates = np.asarray(candidates)
    return np.take_along_axis(scores, candidates, axis=1) if candidates.ndim == 2 else scores[:, candidates]


class Ease(Retriever):
    """EASE (Steck 2019): closed-form item-item weights B = I - P / diag(P), P = (XᵀX + λI)⁻¹, over
    the artists with at least `min_listeners` listeners (the rest score below every one of them:
    they keep the inverse small, 6,953 of 17,632 artists on the HetRec data)."""

    name = "ease"
    #: λ in use is chosen on the validation split by bench/tune.py (engine/models/tuned.json)
    defaults = {"lam": 100.0, "min_listeners": 2}
    LOWEST = -1e9

    def _fit(self, dataset, progress, strategy, upstream):
        matrix = interactions(dataset)
        self.kept = np.flatnonzero(artist_popularity(dataset) >= self.params["min_listeners"])
        self.n_artists = dataset.n_artists
        gram = (matrix[:, self.kept].T @ matrix[:, self.kept]).toarray().astype(np.float64)
        gram[np.diag_indices_from(gram)] += self.params["lam"]
        precision = np.linalg.inv(gram)
        weights = precision / (-np.diag(precision))
        weights[np.diag_indices_from(weights)] = 0.0
        self.weights = weights.astype(np.float32)

    def score(self, query: Query, candidates=None):
        liked = (query.history[:, self.kept] > 0).astype(np.float32)
        scores = np.full((len(query), self.n_artists), self.LOWEST, dtype=np.float32)
        scores[:, self.kept] = np.asarray(liked @ self.weights)
        return pick_candidates(scores, candidates)

    def to_arrays(self):
        return {"kept": self.kept, "weights": self.weights}

    def load_arrays(self, arrays, dataset, upstream):
        self.kept, self.weights, self.n_artists = arrays["kept"], arrays["weights"], dataset.n_artists


class RP3Beta(Retriever):
    """RP3β (Paudel et al. 2016): a three-step random walk artist → listener → artist, each step's
    probabilities raised to α, the landing artist's score divided by its popularity to the β."""

    name = "rp3beta"
    #: α and β in use are chosen on the validation split by bench/tune.py (engine/models/tuned.json)
    defaults = {"alpha": 1.0, "beta": 0.25}

    def _fit(self, dataset, progress, strategy, upstream):
        self._prepare(interactions(dataset))

    def _prepare(self, matrix: sp.csr_matrix) -> None:
        alpha, beta = self.params["alpha"], self.params["beta"]
        listeners_of = np.asarray(matrix.sum(axis=0)).ravel()
        # artist -> listener (rows of Xᵀ normalised), then listener -> artist (rows of X normalised)
        self.to_listener = normalised_rows(matrix.T, "l1").power(alpha).tocsr()
        self.to_artist = normalised_rows(matrix, "l1").power(alpha).tocsr()
        self.penalty = (1.0 / np.maximum(listeners_of, 1) ** beta).astype(np.float32)

    def score(self, query: Query, candidates=None):
        start = (query.history > 0).astype(np.float32)
        scores = np.asarray(((start @ self.to_listener) @ self.to_artist).todense(), dtype=np.float32)
        return pick_candidates(scores * self.penalty, candidates)

    def to_arrays(self):
        return {}

    def load_arrays(self, arrays, dataset, upstream):
        self._prepare(interactions(dataset))
