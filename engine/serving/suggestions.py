"""From the pipeline's arrays to typed suggestions: names, genres, both stages' scores, every
model's score for each suggested artist, and a reason ("because you play X")."""
from __future__ import annotations

import numpy as np

from cratedig.engine.models.base import Recommender
from cratedig.engine.models.pipeline import Recommended
from cratedig.engine.models.query import Query
from cratedig.engine.serving.catalog import Catalog
from cratedig.engine.serving.neighbours import ModelSpace
from cratedig.engine.serving.results import Suggestion


def describe(query: Query, recommended: Recommended, models: dict[str, Recommender], retriever: str,
             ranker: str | None, catalog: Catalog, space: ModelSpace) -> list[list[Suggestion]]:
    """Suggestions per query row. The stages' scores come from the pipeline; other models score only
    the suggested artists (or read rows the query already holds). `space` is the retriever's
    artist space, where each suggestion's nearest history artist is its reason."""
    artists = recommended.artists
    scores = {}
    for name, model in models.items():
        if name == retriever:
            scores[name] = recommended.retrieval_scores
        elif name == ranker:
            scores[name] = recommended.ranking_scores
        else:
            scores[name] = query.scores(model, np.maximum(artists, 0))  # -1: nothing left to suggest
    rows = []
    for row in range(len(query)):
        because = space.closest_in_history(query.history[row].indices, artists[row])
        rows.append([_suggestion(catalog, recommended, scores, row, pos, int(because[pos]))
                     for pos in range(artists.shape[1]) if artists[row, pos] >= 0])
    return rows


def _suggestion(catalog: Catalog, recommended: Recommended, scores: dict[str, np.ndarray], row: int, pos: int,
                because: int) -> Suggestion:
    artist = int(recommended.artists[row, pos])
    ranking = recommended.ranking_scores
    return Suggestion(
        artist_id=catalog.artist_id(artist), name=catalog.name(artist), genre=str(catalog.genres[artist]),
        retrieval_score=float(recommended.retrieval_scores[row, pos]),
        ranking_score=None if ranking is None else float(ranking[row, pos]),
        rank_before=int(recommended.retrieval_rank[row, pos]) + 1, rank_after=pos + 1,
        model_scores={name: float(s[row, pos]) for name, s in scores.items()},
        reason=f"because you play {catalog.name(because)}" if because >= 0 else "popular with similar listeners",
        because_artist_id=catalog.artist_id(because) if because >= 0 else None, url=catalog.url(artist),
        mbid=catalog.mbid(artist))


def by_popularity(found: Recommended, popularity: np.ndarray, direction: int, k: int) -> Recommended:
    """Each row re-ordered by its final score (as a z-score within the row) plus `direction` times
    the z-score of the artists' log listener counts, cut to k: -1 favours the less played, +1 the
    more played."""
    valid = found.artists >= 0

    def z(values: np.ndarray) -> np.ndarray:
        values = np.where(valid, values, 0.0)
        n = np.maximum(valid.sum(axis=1, keepdims=True), 1)
        mean = values.sum(axis=1, keepdims=True) / n
        std = np.sqrt((np.where(valid, values - mean, 0.0) ** 2).sum(axis=1, keepdims=True) / n)
        return np.where(valid, (values - mean) / np.maximum(std, 1e-9), 0.0)

    key = z(found.scores) + direction * z(np.log1p(popularity[np.maximum(found.artists, 0)]).astype(float))
    order = np.argsort(np.where(valid, -key, np.inf), axis=1, kind="stable")[:, :k]
    pick = lambda a: None if a is None else np.take_along_axis(a, order, axis=1)  # noqa: E731
    return Recommended(pick(found.artists), pick(found.retrieval_scores), pick(found.retrieval_rank),
                       pick(found.ranking_scores))
