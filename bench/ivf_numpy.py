"""The NumPy inverted file (IVF) cratedig used before faiss (engine/models/ann.py until this
version), kept here only so that bench.approximate_retrieval can measure the library against it.

The artist vectors are grouped by k-means into lists; a listener scores the lists' centroids and
then, exactly, only the artists of the `probes` lists whose centroids score highest. At
Last.fm-360K's 160,000 artists that is about 3 % of the catalogue per listener instead of all of
it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cratedig.engine.models.ann import list_count
from cratedig.engine.ops import top_k

#: catalogues larger than this retrieve through an index (below it, scoring every artist is cheap)
APPROXIMATE_ABOVE = 50_000
PROBES = 16
KMEANS_ITERATIONS = 8
KMEANS_SAMPLE = 60_000


def _nearest(vectors: np.ndarray, centroids: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Each vector's nearest centroid (Euclidean), a chunk of vectors at a time."""
    half_norms = 0.5 * (centroids * centroids).sum(axis=1)
    return np.concatenate([np.argmax(vectors[s:s + chunk] @ centroids.T - half_norms, axis=1)
                           for s in range(0, len(vectors), chunk)] or [np.zeros(0, np.int64)])


def kmeans(vectors: np.ndarray, n_lists: int, seed: int = 0) -> np.ndarray:
    """Centroids (n_lists, dim) by Lloyd's k-means on a seeded sample of the vectors; a centroid
    left without vectors keeps its place."""
    rng = np.random.default_rng(seed)
    train = vectors[rng.choice(len(vectors), min(KMEANS_SAMPLE, len(vectors)), replace=False)]
    centroids = train[rng.choice(len(train), n_lists, replace=False)].astype(np.float32)
    for _ in range(KMEANS_ITERATIONS):
        assign = _nearest(train, centroids)
        members = sp.csr_matrix((np.ones(len(train), np.float32), (assign, np.arange(len(train)))),
                                shape=(n_lists, len(train)))
        counts = np.bincount(assign, minlength=n_lists)
        filled = counts > 0
        centroids[filled] = (members @ train)[filled] / counts[filled, None]
    return centroids


@dataclass(frozen=True)
class InvertedLists:
    """The artists grouped by their nearest centroid; list j holds artists
    `order[offsets[j]:offsets[j + 1]]`, whose vectors are `vectors[offsets[j]:offsets[j + 1]]`."""

    centroids: np.ndarray
    order: np.ndarray
    offsets: np.ndarray
    vectors: np.ndarray
    #: per artist: its list, and its place in that list
    list_of: np.ndarray
    place: np.ndarray

    @classmethod
    def build(cls, artists: np.ndarray, n_lists: int | None = None, seed: int = 0) -> "InvertedLists":
        artists = np.asarray(artists, dtype=np.float32)
        n_lists = min(n_lists or list_count(len(artists)), len(artists))
        centroids = kmeans(artists, n_lists, seed)
        list_of = _nearest(artists, centroids)
        order = np.argsort(list_of, kind="stable")
        offsets = np.concatenate([[0], np.cumsum(np.bincount(list_of, minlength=n_lists))])
        place = np.empty(len(artists), np.int64)
        place[order] = np.arange(len(artists)) - offsets[list_of[order]]
        return cls(centroids, order, offsets, artists[order], list_of, place)

    def search(self, users: np.ndarray, n: int, blocked: sp.csr_matrix,
               probes: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row of `users`: the n best-scoring artists of its `probes` lists (default PROBES)
        that `blocked` (a (rows, n_artists) matrix) does not name, best first (ties to the lower
        artist index), their scores, and whether the row found n of them (a row that did not
        should be scored exactly)."""
        rows = len(users)
        probes = min(PROBES if probes is None else probes, len(self.centroids))
        probed = top_k(users @ self.centroids.T, probes)  # (rows, probes) list numbers
        # Each row's pool holds its probed lists one after another; `start` is where each begins.
        sizes = np.diff(self.offsets)[probed]
        start = np.concatenate([np.zeros((rows, 1), np.int64), np.cumsum(sizes, axis=1)], axis=1)
        pool = np.full((rows, max(int(start[:, -1].max(initial=0)), n, 1)), -np.inf, np.float32)
        # One product per list, for the rows that probe it.
        flat = probed.ravel()
        by_list = np.argsort(flat, kind="stable")
        bounds = np.searchsorted(flat[by_list], np.arange(len(self.centroids) + 1))
        for j in np.flatnonzero(np.diff(bounds)):
            hits = by_list[bounds[j]:bounds[j + 1]]
            r, s = hits // probes, hits % probes
            lo, hi = self.offsets[j], self.offsets[j + 1]
            pool[r[:, None], start[r, s][:, None] + np.arange(hi - lo)] = users[r] @ self.vectors[lo:hi].T
        slot = np.full((rows, len(self.centroids)), -1, np.int64)
        slot[np.arange(rows)[:, None], probed] = np.arange(probes)
        r, artist = blocked.nonzero()
        s = slot[r, self.list_of[artist]]
        r, s, artist = r[s >= 0], s[s >= 0], artist[s >= 0]
        pool[r, start[r, s] + self.place[artist]] = -np.inf
        complete = np.isfinite(pool).sum(axis=1) >= n
        best = top_k(pool, n)
        scores = np.take_along_axis(pool, best, axis=1)
        # back from pool places to artists: the slot a place falls in, then its place in that list
        s = np.minimum((best[:, :, None] >= start[:, None, 1:]).sum(axis=2), probes - 1)
        at = best - np.take_along_axis(start, s, axis=1)
        found = self.order[np.minimum(self.offsets[np.take_along_axis(probed, s, axis=1)] + at, len(self.order) - 1)]
        tidy = np.lexsort((found, -scores), axis=1)  # equal scores: the lower artist index first
        return np.take_along_axis(found, tidy, axis=1), np.take_along_axis(scores, tidy, axis=1), complete
