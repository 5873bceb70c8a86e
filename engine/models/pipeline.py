"""The one batch path from a query to recommendations: retrieve, exclude, rank, take the top k.

The app, the CLI and the evaluation all call `recommend`. Like implicit's `recommend`, it owns
excluding what each listener already plays (and whatever else the caller excludes), the number
of candidates and the top k, for every model alike."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cratedig.engine.errors import UsageError
from cratedig.engine.models.base import Ranker, Retriever
from cratedig.engine.models.query import Query
from cratedig.engine.ops import exclude_seen, rows_per_chunk, top_k

DEFAULT_CANDIDATES = 100
MAX_K = 1000
#: rows scored at once (fewer on wide catalogues, see rows_per_chunk): bounds memory whatever the
#: batch (a full score row per model per row)
ROWS_PER_CHUNK = 256
#: rows searched in an index at once (its candidate pools: about 6,000 floats a row at 160,000 artists)
SEARCH_ROWS = 4096


def check_k(k: int, what: str = "K") -> int:
    """`k` if it is a whole number from 1 to MAX_K, else a UsageError saying so."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise UsageError(f"{what} must be a whole number, got {k!r}")
    if not 1 <= k <= MAX_K:
        raise UsageError(f"{what} must be between 1 and {MAX_K}, got {k}")
    return int(k)


@dataclass(frozen=True)
class Recommended:
    """Per query row, the final top k best first: artist indices and both stages' scores.
    `retrieval_rank` is each artist's 0-based place in the retriever's order. A row with fewer
    artists left to suggest (a listener who has played them all) ends in artist -1 entries."""

    artists: np.ndarray
    retrieval_scores: np.ndarray
    retrieval_rank: np.ndarray
    ranking_scores: np.ndarray | None

    @property
    def scores(self) -> np.ndarray:
        """The last stage's scores (what the order follows)."""
        return self.retrieval_scores if self.ranking_scores is None else self.ranking_scores


def recommend(retriever: Retriever, query: Query, k: int, *, ranker: Ranker | None = None,
              exclude: sp.csr_matrix | np.ndarray | None = None,
              n_candidates: int = DEFAULT_CANDIDATES) -> Recommended:
    """Top `k` per row: the retriever's best `n_candidates` (at least k) among the artists the
    row has not played and `exclude` does not name, re-ordered by `ranker` when given.

    `exclude` is a (batch, n_artists) matrix whose nonzeros are excluded per row, or artist
    indices excluded from every row. A retriever with an index (an embedding model on a catalogue
    above APPROXIMATE_ABOVE artists) proposes its candidates from it, SEARCH_ROWS rows at a time.
    A ranker with candidate sources of its own (`Ranker.candidate_sources`) re-orders the union of
    the retriever's candidates and theirs (scored exactly), all in the retriever's order."""
    wanted = k if ranker is None else max(n_candidates, k)
    proposed = _approximate_candidates(retriever, query, wanted, exclude)
    parts = []
    # without whole score rows to hold (an index proposed the candidates), chunks need not shrink
    step = rows_per_chunk(query.history.shape[1], ROWS_PER_CHUNK) if proposed is None else ROWS_PER_CHUNK
    for start in range(0, len(query), step):
        rows = slice(start, start + step)
        extra = exclude[rows] if sp.issparse(exclude) else exclude
        part = query.rows(rows)  # one sub-query: the ranker's features reuse the score rows it remembers
        candidates = (_exact_candidates(retriever, part, wanted, extra) if proposed is None
                      else (proposed[0][rows], proposed[1][rows]))
        if ranker is not None:
            candidates = _with_sources(retriever, part, candidates, ranker.candidate_sources(), extra)
        parts.append(_recommend_rows(ranker, part, k, candidates))
    if not parts:
        empty = np.zeros((0, k), dtype=np.int64)
        return Recommended(empty, empty.astype(np.float64), empty, None if ranker is None else empty.astype(float))
    width = max(p.artists.shape[1] for p in parts)  # a chunk whose listeners played nearly all is narrower

    def joined(field: str, fill) -> np.ndarray:
        arrays = [getattr(p, field) for p in parts]
        return np.concatenate([np.pad(a, ((0, 0), (0, width - a.shape[1])), constant_values=fill) for a in arrays])

    return Recommended(joined("artists", -1), joined("retrieval_scores", -np.inf), joined("retrieval_rank", -1),
                       None if ranker is None else joined("ranking_scores", -np.inf))


def candidate_union(retriever: Retriever, query: Query, n: int, sources: tuple[tuple[Retriever, int], ...],
                    exclude: sp.csr_matrix | None = None) -> np.ndarray:
    """What a ranker with these candidate sources is given to re-order, for training it on what it
    will see: the retriever's best `n` per row and each source's best m, each artist once, in the
    retriever's order (-1 after a row's last). Scored exactly, the whole query at once."""
    found = _with_sources(retriever, query, _exact_candidates(retriever, query, n, exclude), sources, exclude)
    return np.where(np.isneginf(found[1]), -1, found[0])


def _blocked(query: Query, exclude: sp.csr_matrix | np.ndarray | None) -> sp.csr_matrix:
    """What each row may not be proposed, as one (batch, n_artists) matrix: its history and `exclude`."""
    blocked = (query.history != 0).astype(np.float32)
    if sp.issparse(exclude):
        blocked = blocked + (exclude != 0).astype(np.float32)
    elif exclude is not None and len(exclude):
        named = np.asarray(exclude, dtype=np.int64)
        blocked = blocked + sp.csr_matrix((np.ones(len(query) * len(named), np.float32),
                                           (np.repeat(np.arange(len(query)), len(named)), np.tile(named, len(query)))),
                                          shape=blocked.shape)
    return blocked.tocsr()


def _approximate_candidates(retriever: Retriever, query: Query, wanted: int,
                            exclude: sp.csr_matrix | np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The retriever's candidates and their scores from its index, or None if it has none. A row
    its probed lists cannot fill (it played most of them) is scored exactly instead."""
    if len(query) == 0:
        return None
    found = []
    for start in range(0, len(query), SEARCH_ROWS):  # the pools of a chunk of rows at a time
        rows = slice(start, start + SEARCH_ROWS)
        part = query.rows(rows)
        found.append(retriever.approximate_top(part, wanted, _blocked(part, exclude[rows] if sp.issparse(exclude)
                                                                       else exclude)))
        if found[-1] is None:
            return None
    artists, scores, complete = (np.concatenate(parts) for parts in zip(*found))
    for row in np.flatnonzero(~complete):
        one = query.rows(slice(row, row + 1))
        extra = exclude[row:row + 1] if sp.issparse(exclude) else exclude
        exact, exact_scores = _exact_candidates(retriever, one, artists.shape[1], extra)
        width = exact.shape[1]
        artists[row], scores[row] = -1, -np.inf
        artists[row, :width], scores[row, :width] = exact[0], exact_scores[0]
    return artists, scores


def _exact_candidates(retriever: Retriever, query: Query, wanted: int,
                      exclude: sp.csr_matrix | np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The retriever's best `wanted` per row (fewer if no row has that many left) from every
    artist's score, and their scores."""
    # a writable copy in the retriever's own precision (float32 for the embedding models: at 160,000
    # artists a float64 copy of 256 rows is 330 MB to write); only the candidates' scores widen
    scores = np.array(query.scores(retriever))
    if not np.issubdtype(scores.dtype, np.floating):
        scores = scores.astype(np.float64)
    exclude_seen(scores, query.history)
    if sp.issparse(exclude):
        exclude_seen(scores, exclude)
    elif exclude is not None and len(exclude):
        scores[:, np.asarray(exclude, dtype=np.int64)] = -np.inf
    blocked = int(np.count_nonzero(scores == -np.inf, axis=1).max(initial=0))  # half isneginf's cost
    candidates = top_k(scores, max(1, min(wanted, scores.shape[1] - blocked)))
    return candidates, np.take_along_axis(scores, candidates, axis=1)


def _with_sources(retriever: Retriever, query: Query, found: tuple[np.ndarray, np.ndarray],
                  sources: tuple[tuple[Retriever, int], ...],
                  exclude: sp.csr_matrix | np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """`found` (the retriever's candidates and scores) joined by each source's best n."""
    for source, n in sources:
        found = _union(retriever, query, found, _exact_candidates(source, query, n, exclude))
    return found


def _union(retriever: Retriever, query: Query, ours: tuple[np.ndarray, np.ndarray],
           theirs: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Both candidate lists per row as one, each artist once, best first by `retriever`'s scores
    (-1 and -inf after them). A candidate either list could not fill (-inf) is left out."""
    artists = np.concatenate([np.where(np.isneginf(scores), -1, found) for found, scores in (ours, theirs)], axis=1)
    artists = np.sort(artists, axis=1)
    artists[:, 1:][artists[:, 1:] == artists[:, :-1]] = -1  # a repeat: kept once
    scores = np.where(artists >= 0, query.scores(retriever, np.maximum(artists, 0)), -np.inf)
    order = np.argsort(-scores, axis=1, kind="stable")
    width = max(int((artists >= 0).sum(axis=1).max(initial=0)), 1)
    order = order[:, :width]
    return np.take_along_axis(artists, order, axis=1), np.take_along_axis(scores, order, axis=1)


def _recommend_rows(ranker: Ranker | None, query: Query, k: int,
                    proposed: tuple[np.ndarray, np.ndarray]) -> Recommended:
    candidates, retrieval = proposed
    retrieval = retrieval.astype(np.float64)
    if ranker is None:
        order = np.array(np.broadcast_to(np.arange(candidates.shape[1]), candidates.shape)[:, :k])
        ranking = None
    else:
        ranking = np.where(np.isneginf(retrieval), -np.inf, ranker.score(query, candidates))
        # Stable sort: equal ranking scores keep their retrieval order.
        order = np.argsort(-ranking, axis=1, kind="stable")[:, :k]
        ranking = np.take_along_axis(ranking, order, axis=1)
    retrieval = np.take_along_axis(retrieval, order, axis=1)
    artists = np.where(np.isneginf(retrieval), -1, np.take_along_axis(candidates, order, axis=1))
    return Recommended(artists, retrieval, order, ranking)
