"""A closed-form graph filter (GF-CF, Shen et al. 2021, "How Powerful is Graph Convolution for
Recommendation?"): the listener's row filtered over the artist-artist co-listening graph twice,

    score(s) = s P̃ + α s D^-1/2 V Vᵀ D^1/2,    P̃ = R̃ᵀ R̃,  R̃ = D_L^-1/2 R D^-1/2,

a linear low-pass (P̃, normalised co-listening) plus an ideal one (V: the `factors` leading right
singular vectors of R̃, from a truncated SVD). No training loop: fitting is one sparse SVD, seconds
on HetRec, and any history row is scored as it is (a new listener needs no fold-in).

It is a baseline, and the ranker's second source of candidates when that is chosen on validation
(engine.models.ranking.model); not one of the app's four models."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

from cratedig.engine.data.features import interactions
from cratedig.engine.models.base import Retriever
from cratedig.engine.models.baselines import pick_candidates
from cratedig.engine.models.query import Query


class GraphFilter(Retriever):
    name = "gfcf"
    #: `factors` and `alpha` in use are chosen on the validation split (engine/models/tuned.json)
    defaults = {"factors": 256, "alpha": 0.3}

    def _fit(self, dataset, progress, strategy, upstream):
        self._prepare(interactions(dataset), seed=self.params.get("seed", 0))

    def _prepare(self, matrix: sp.csr_matrix, seed: int = 0, vectors: np.ndarray | None = None) -> None:
        matrix = (matrix > 0).astype(np.float32)
        listeners_of = np.asarray(matrix.sum(axis=0)).ravel()
        artists_of = np.asarray(matrix.sum(axis=1)).ravel()
        self.inverse_root = np.where(listeners_of > 0, 1.0 / np.sqrt(np.maximum(listeners_of, 1)), 0.0).astype(np.float32)
        self.root = np.sqrt(listeners_of).astype(np.float32)
        row_scale = np.where(artists_of > 0, 1.0 / np.sqrt(np.maximum(artists_of, 1)), 0.0).astype(np.float32)
        self.normalised = (sp.diags(row_scale) @ matrix @ sp.diags(self.inverse_root)).tocsr()
        self.normalised_t = self.normalised.T.tocsr()
        if vectors is None:
            factors = int(min(self.params["factors"], min(matrix.shape) - 1))
            start = np.random.default_rng(seed).standard_normal(min(matrix.shape))
            _, _, vt = svds(self.normalised, k=factors, v0=start)
            vectors = vt.T.astype(np.float32)
        self.vectors = vectors  # (artists, factors)

    def score(self, query: Query, candidates=None):
        liked = (query.history > 0).astype(np.float32)
        projected = np.asarray((liked @ sp.diags(self.inverse_root)) @ self.vectors, dtype=np.float32)
        scores = (projected @ self.vectors.T) * (np.float32(self.params["alpha"]) * self.root)
        scores += np.asarray(((liked @ self.normalised_t) @ self.normalised).todense(), dtype=np.float32)
        return pick_candidates(scores, candidates)

    def to_arrays(self):
        return {"vectors": self.vectors}

    def load_arrays(self, arrays, dataset, upstream):
        self._prepare(interactions(dataset), vectors=arrays["vectors"])
