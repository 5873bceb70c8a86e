"""What the ranker knows about a (listener, candidate) pair besides embeddings: the retrieval
model's view, the item-kNN view (co-listening, which mf smooths away), popularity, the friend
graph (how many of the listener's friends play the candidate) and tag overlap (the candidate's
tags against the tags of the listener's history).

Every feature depends on the listener and the candidate only, never on the other candidates, so
an artist gets the same ranking score whichever retriever proposed it."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

from cratedig.engine.data.types import Dataset
from cratedig.engine.data.features import artist_popularity, artist_tag_counts, interactions
from cratedig.engine.models.base import Retriever
from cratedig.engine.models.baselines import ItemKNN
from cratedig.engine.models.query import Query
from cratedig.engine.ops import normalised_rows, rows_per_chunk

FEATURE_NAMES = (
    "retrieval score", "retrieval score, z over the listener's unplayed artists",
    "log rank by retrieval score", "item-kNN score per played artist",
    "item-kNN score, z over unplayed artists", "log rank by item-kNN score",
    "log listeners of the artist", "share of the listener's friends who play the artist",
    "cosine between the artist's tags and the history's tags",
)
ROWS_PER_CHUNK = 256
#: Two features change design on large data to stay cheap. Above LARGE_CATALOGUE artists
#: (Last.fm-360K has 160,000), z-scores and ranks are estimated from a fixed sample of
#: SCORE_SAMPLE artists (sorting every row of the catalogue per request would cost more than the
#: rest). Above NEIGHBOUR_LISTS_ABOVE_PLAYS plays, item-kNN keeps each artist's KNN_NEIGHBOURS
#: nearest artists (the exact sum touches every listener of every liked artist: its cost grows
#: with plays times artists per listener). On HetRec (92,834 plays, 17,632 artists) both are
#: exact; there the 200-neighbour lists would cost the pipeline 0.0021 validation Recall@10
#: (0.1830 vs 0.1851).
LARGE_CATALOGUE = 20_000
SCORE_SAMPLE = 4_096
NEIGHBOUR_LISTS_ABOVE_PLAYS = 500_000
KNN_NEIGHBOURS = 200
#: rows with at most RANK_NEAR artists above their lowest candidate count ranks among those alone (see _ranks)
RANK_NEAR = 256


def _z_and_log_rank(scores: np.ndarray, played: np.ndarray, picked: np.ndarray,
                    scale: np.ndarray | float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the candidates' scores (`picked`, float64) as z-scores over the artists of `scores`
    the row has not played (`played`, bool, shaped like `scores`), and log(1 + rank * scale) of
    each candidate among them (rank 0 = best; `scale` carries a sample's ranks to the catalogue).

    The moments are sums over the whole row less the few played cells (a row plays a handful of a
    sample's artists), in float64: two passes over the scores instead of six masked ones."""
    wide = np.asarray(scores, dtype=np.float64)
    rows, columns = np.nonzero(played)
    cells = wide[rows, columns]
    n = np.maximum(wide.shape[1] - np.bincount(rows, minlength=len(wide)), 1)
    total = wide.sum(axis=1) - np.bincount(rows, weights=cells, minlength=len(wide))
    squares = np.einsum("ij,ij->i", wide, wide) - np.bincount(rows, weights=cells * cells, minlength=len(wide))
    mean = (total / n)[:, None]
    std = np.sqrt(np.maximum(squares[:, None] / n[:, None] - mean * mean, 0.0))
    z = (picked - mean) / np.maximum(std, 1e-9)
    return z, np.log1p(_ranks(scores, ~played, picked) * scale)


def _ranks(scores: np.ndarray, unplayed: np.ndarray, picked: np.ndarray) -> np.ndarray:
    """How many unplayed artists score strictly higher than each candidate, per row.

    Counted in negated scores (played artists +inf, last) in the scores' own float32 where they have
    it: `picked` holds the same values widened, so the counts are those of float64. Only the artists
    above a row's lowest candidate can count. A retriever's candidates are nearly always near the top
    of its own scores, and then there are few of them (at most RANK_NEAR): each candidate is compared
    with those alone. The other rows are sorted (a partition or a sort of every row cost more)."""
    own = np.float32 if scores.dtype == np.float32 else np.float64
    negated = np.negative(scores, dtype=own)
    np.copyto(negated, own(np.inf), where=~unplayed)
    needles = (-picked).astype(own)
    above = negated < needles.max(axis=1, keepdims=True)  # above the row's lowest candidate
    counts = above.sum(axis=1)
    rank = np.empty(needles.shape, np.int64)
    near = counts <= RANK_NEAR
    if near.any():
        # each near row's artists above its lowest candidate, packed to the left (+inf after them)
        rows, columns = np.nonzero(above & near[:, None])
        packed = np.full((len(negated), max(int(counts[near].max()), 1)), own(np.inf))
        first = np.cumsum(counts * near) - counts * near  # where each row's run starts in `rows`
        packed[rows, np.arange(len(rows)) - first[rows]] = negated[rows, columns]
        rank[near] = (packed[near][:, None, :] < needles[near][:, :, None]).sum(axis=2)
    if not near.all():
        ascending = np.sort(negated[~near], axis=1)
        rank[~near] = np.stack([np.searchsorted(row, wanted, side="left")
                                for row, wanted in zip(ascending, needles[~near])])
    return rank


class RankingFeatures:
    """Computes the pair features for a query's candidates from a trained retrieval model and the
    dataset it was trained on."""

    def __init__(self, retriever: Retriever, dataset: Dataset):
        self.retriever = retriever
        lists = len(dataset.plays) > NEIGHBOUR_LISTS_ABOVE_PLAYS or dataset.n_artists > LARGE_CATALOGUE
        self.knn = ItemKNN(neighbours=KNN_NEIGHBOURS if lists else None).fit(dataset)
        self.sample = (np.sort(np.random.default_rng(0).choice(dataset.n_artists, min(SCORE_SAMPLE, dataset.n_artists),
                                                                      replace=False))
                       if dataset.n_artists > LARGE_CATALOGUE else None)
        self.log_popularity = np.log1p(artist_popularity(dataset)).astype(np.float32)
        pairs = dataset.friends
        friends = sp.csr_matrix((np.ones(len(pairs), np.float32), (pairs[:, 0], pairs[:, 1])),
                                shape=(dataset.n_listeners, dataset.n_listeners))
        friends.data[:] = 1.0  # a pair listed twice is one friend
        #: (listeners, artists): the share of each listener's friends who play each artist
        self.friend_plays = (normalised_rows(friends, "l1") @ interactions(dataset)).tocsr()
        #: (artists, tags), rows of unit length
        self.artist_tags = normalised_rows(artist_tag_counts(dataset), "l2")

    def __call__(self, query: Query, candidates: np.ndarray, threads: int = 1) -> np.ndarray:
        """(batch, n_candidates, len(FEATURE_NAMES)) float32; `candidates` is (batch, n_candidates).
        With `threads` > 1, that many chunks of rows at once (NumPy's sorts and products release
        the GIL): what training asks for; serving runs its batches side by side instead."""
        out = np.empty((*candidates.shape, len(FEATURE_NAMES)), np.float32)
        # whole score rows only without a sample: then chunks shrink on a wide catalogue
        step = rows_per_chunk(query.history.shape[1], ROWS_PER_CHUNK) if self.sample is None else ROWS_PER_CHUNK
        chunks = [slice(start, start + step) for start in range(0, len(query), step)]

        def fill(rows: slice) -> None:
            out[rows] = self._chunk(query.rows(rows), candidates[rows])

        if threads > 1 and len(chunks) > 1:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(fill, chunks))  # list(): re-raises a chunk's error here
        else:
            for rows in chunks:
                fill(rows)
        return out

    def _chunk(self, query: Query, candidates: np.ndarray) -> np.ndarray:
        # Sums over the history grow with its length, and the ranker trains on shortened histories
        # (see ranking_examples): the item-kNN sum is taken per played artist.
        n_played = np.maximum(np.asarray((query.history > 0).sum(axis=1)), 1)
        if self.sample is None:
            columns, played, scale = None, query.history.toarray() > 0, 1.0
        else:
            # Only the sample's and the candidates' columns are scored (no whole row is built).
            n_artists = query.history.shape[1]
            columns, at = np.unique(np.concatenate([self.sample, candidates.ravel() % n_artists]),
                                    return_inverse=True)
            sample_at, picked_at = at[:len(self.sample)], at[len(self.sample):].reshape(candidates.shape)
            played = query.history[:, self.sample].toarray() > 0
            every_unplayed = n_artists - np.asarray((query.history > 0).sum(axis=1))
            scale = every_unplayed / np.maximum((~played).sum(axis=1, keepdims=True), 1)
        views = []
        for model, per in ((self.retriever, 1), (self.knn, n_played)):
            if columns is None:
                scores = query.scores(model)
                picked = np.take_along_axis(scores, candidates, axis=1)
            else:
                cells = query.scores(model, columns)
                scores, picked = cells[:, sample_at], np.take_along_axis(cells, picked_at, axis=1)
            picked = picked.astype(np.float64)
            z, log_rank = _z_and_log_rank(scores, played, picked, scale)
            views += [picked / per, z, log_rank]
        views.append(self.log_popularity[candidates])
        views.append(self._friends_share(query, candidates))
        views.append(self._tag_overlap(query, candidates))
        return np.stack(views, axis=-1)

    def _tag_overlap(self, query: Query, candidates: np.ndarray) -> np.ndarray:
        """Cosine between each candidate's tags and the tags of the listener's history (the
        candidates' rows only, not the whole catalogue's): each tag a candidate has is looked up in
        its listener's profile row, and the products summed per pair (8x faster than multiplying
        a sparse row per pair)."""
        profile = normalised_rows(query.history @ self.artist_tags, "l2").tocsr()
        profile.sort_indices()  # a look-up is then a binary search in the row, not a scan of it
        picked = self.artist_tags[np.maximum(candidates.ravel(), 0)]
        pair = np.repeat(np.arange(candidates.size), np.diff(picked.indptr))
        products = np.asarray(profile[pair // candidates.shape[1], picked.indices]).ravel() * picked.data
        return np.bincount(pair, weights=products, minlength=candidates.size).astype(np.float32).reshape(candidates.shape)

    def _friends_share(self, query: Query, candidates: np.ndarray) -> np.ndarray:
        """The friend feature; 0 for a simulated listener (who has no friends in the data)."""
        known = np.flatnonzero(query.listeners >= 0)
        share = np.zeros(candidates.shape, np.float32)
        if len(known) and self.friend_plays.nnz:  # the candidates' cells only, never whole rows
            listeners = np.repeat(query.listeners[known], candidates.shape[1])
            cells = self.friend_plays[listeners, np.maximum(candidates[known], 0).ravel()]
            share[known] = np.asarray(cells, dtype=np.float32).reshape(len(known), -1)
        return share
