"""Retrieved then ranked: the two-stage path shared by evaluation, the CLI and the app."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.evaluation import top_k
from engine.models.base import Query, Recommender

DEFAULT_CANDIDATES = 100


@dataclass(frozen=True)
class Shortlist:
    """Per query row: candidates in retrieval order with both stages' scores.
    `order[i]` lists positions into `candidates[i]`, best ranking score first."""

    candidates: np.ndarray
    retrieval_scores: np.ndarray
    ranking_scores: np.ndarray | None
    order: np.ndarray

    def final(self, k: int) -> np.ndarray:
        """Artist indices of the top k after the last stage."""
        return np.take_along_axis(self.candidates, self.order[:, :k], axis=1)


def retrieve(retriever: Recommender, query: Query, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The retriever's top n artists per row, skipping every artist in the row's history."""
    scores = retriever.score(query).astype(np.float64)
    rows, cols = query.history.nonzero()
    scores[rows, cols] = -np.inf
    n = max(1, min(n, scores.shape[1] - int(np.diff(query.history.indptr).max(initial=0))))
    candidates = top_k(scores, n)
    return candidates, np.take_along_axis(scores, candidates, axis=1)


def shortlist(retriever: Recommender, ranker: Recommender | None, query: Query,
              n_candidates: int = DEFAULT_CANDIDATES) -> Shortlist:
    """Retrieve `n_candidates`, then re-order them by the ranker (if any)."""
    candidates, retrieval_scores = retrieve(retriever, query, n_candidates)
    if ranker is None:
        order = np.broadcast_to(np.arange(candidates.shape[1]), candidates.shape)
        return Shortlist(candidates, retrieval_scores, None, np.array(order))
    ranking_scores = ranker.score(query, candidates)
    # Stable sort: equal ranking scores keep their retrieval order.
    order = np.argsort(-ranking_scores, axis=1, kind="stable")
    return Shortlist(candidates, retrieval_scores, ranking_scores, order)


def recommend_artists(retriever: Recommender, ranker: Recommender | None, query: Query, k: int,
                      n_candidates: int = DEFAULT_CANDIDATES) -> tuple[np.ndarray, np.ndarray]:
    """Top k artists per row and their final-stage scores."""
    result = shortlist(retriever, ranker, query, max(n_candidates, k))
    final = result.final(k)
    scores = result.ranking_scores if ranker is not None else result.retrieval_scores
    return final, np.take_along_axis(scores, result.order[:, :k], axis=1)
