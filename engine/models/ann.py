"""Approximate top-n retrieval for embedding models on large catalogues: faiss's IndexIVFFlat.

Recommending is a maximum-inner-product search; it is turned into a nearest-neighbour search by
the Euclidean transform of Bachrach et al. (2014, "Speeding up the Xbox recommender system"): each
artist vector gains one coordinate, sqrt(M - |a|^2) with M the largest squared norm, and each
listener a 0, so that the nearest artists are exactly those of highest inner product. The augmented
artist vectors are grouped by k-means into about sqrt(n) lists; a listener is compared with the
lists' centroids and then, exactly, with the artists of the `nprobe` nearest lists (on this
project's embeddings the transform needs a quarter of the lists inner-product k-means needs for
the same recall: bench/approximate_retrieval.py).
`nprobe` is chosen when the index is built: the smallest power of two whose top-k holds at least
RECALL_TARGET of the exact top-k for a seeded sample of the model's own listener vectors (never a
test listener's). `python -m bench.approximate_retrieval` measures it against exact search and the
NumPy index it replaced."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    import faiss

#: catalogues larger than this retrieve through an index (below it, scoring every artist is cheap)
APPROXIMATE_ABOVE = 50_000
#: the share of the exact top-k the chosen nprobe must find, and for how many artists and listeners
RECALL_TARGET = 0.99
CALIBRATION_K = 100
CALIBRATION_ROWS = 512
#: lists probed when no listener vectors are given to choose by
DEFAULT_PROBES = 16
#: a row with more blocked artists than this is searched for n + BLOCKED_SLACK and, if short, exactly
BLOCKED_SLACK = 2_048


def list_count(n_artists: int) -> int:
    """About sqrt(n) lists, a power of two: 512 at 160,000 artists."""
    return int(2 ** np.ceil(np.log2(max(np.sqrt(n_artists), 1))))


def _lifted(users: np.ndarray) -> np.ndarray:
    """Listener vectors with the 0 coordinate that matches the artists' extra one."""
    return np.ascontiguousarray(np.hstack([users, np.zeros((len(users), 1), np.float32)]), dtype=np.float32)


def _top_k_recall(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(np.intersect1d(f[f >= 0], e)) / len(e) for f, e in zip(found, exact)]))


@dataclass
class ArtistIndex:
    """An IndexIVFFlat over the artist vectors and the nprobe chosen for it."""

    index: faiss.IndexIVFFlat
    quantizer: faiss.IndexFlatL2  # kept alive beside the index that points at it
    artists: np.ndarray
    nprobe: int
    #: nprobe -> recall of the exact top-k on the calibration listeners (empty when not calibrated)
    recall: dict[int, float] = field(default_factory=dict)

    @property
    def n_lists(self) -> int:
        return self.index.nlist

    @classmethod
    def build(cls, artists: np.ndarray, listeners: np.ndarray | None = None, n_lists: int | None = None,
              seed: int = 0) -> "ArtistIndex":
        import faiss  # only catalogues above APPROXIMATE_ABOVE pay for the import

        artists = np.ascontiguousarray(artists, dtype=np.float32)
        n_lists = min(n_lists or list_count(len(artists)), len(artists))
        squared = np.einsum("ij,ij->i", artists, artists)
        lifted = np.hstack([artists, np.sqrt(np.maximum(squared.max() - squared, 0))[:, None]]).astype(np.float32)
        quantizer = faiss.IndexFlatL2(lifted.shape[1])
        index = faiss.IndexIVFFlat(quantizer, lifted.shape[1], n_lists, faiss.METRIC_L2)
        index.cp.seed = seed
        index.cp.min_points_per_centroid = 1  # small catalogues (tests) train without a warning
        index.train(lifted)
        index.add(lifted)
        built = cls(index, quantizer, artists, min(DEFAULT_PROBES, n_lists))
        if listeners is not None and len(listeners):
            built.calibrate(listeners, seed)
        return built

    def calibrate(self, listeners: np.ndarray, seed: int = 0) -> None:
        """Sets nprobe to the smallest power of two (or every list) whose top-k holds RECALL_TARGET
        of the exact top-k for a seeded sample of `listeners`."""
        rng = np.random.default_rng(seed)
        rows = rng.choice(len(listeners), min(CALIBRATION_ROWS, len(listeners)), replace=False)
        sample = np.ascontiguousarray(listeners[np.sort(rows)], dtype=np.float32)
        k = min(CALIBRATION_K, len(self.artists))
        exact = np.argpartition(-(sample @ self.artists.T), k - 1, axis=1)[:, :k]
        probes = 1
        while True:
            self.index.nprobe = probes
            self.recall[probes] = _top_k_recall(self.index.search(_lifted(sample), k)[1], exact)
            if self.recall[probes] >= RECALL_TARGET or probes >= self.n_lists:
                break
            probes = min(probes * 2, self.n_lists)
        self.nprobe = probes

    def search(self, users: np.ndarray, n: int, blocked: sp.csr_matrix,
               probes: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row of `users`: the n best-scoring artists of its probed lists that `blocked` (a
        (rows, n_artists) matrix) does not name, best first (ties to the lower artist index), their
        scores, and whether the row found n of them (a row that did not should be scored exactly)."""
        users = np.ascontiguousarray(users, dtype=np.float32)
        rows, n_artists = len(users), len(self.artists)
        per_row = np.diff(blocked.indptr) if len(users) else np.zeros(0, np.int64)
        wanted = min(n + int(min(per_row.max(initial=0), BLOCKED_SLACK)), n_artists)
        self.index.nprobe = min(self.nprobe if probes is None else probes, self.n_lists)
        found = self.index.search(_lifted(users), wanted)[1] if rows else np.zeros((0, wanted), np.int64)
        if wanted < n:  # a catalogue smaller than n: the missing places are empty
            found = np.pad(found, ((0, 0), (0, n - wanted)), constant_values=-1)
        # drop the blocked: (row, artist) pairs looked up among the blocked pairs as one sorted key
        blocked_keys = np.sort(np.repeat(np.arange(rows, dtype=np.int64), per_row) * n_artists
                               + blocked.indices.astype(np.int64))
        keys = np.arange(rows, dtype=np.int64)[:, None] * n_artists + np.maximum(found, 0)
        at = np.minimum(np.searchsorted(blocked_keys, keys), max(len(blocked_keys) - 1, 0))
        usable = (found >= 0) & ~(blocked_keys[at] == keys if len(blocked_keys) else np.zeros_like(keys, bool))
        complete = usable.sum(axis=1) >= n
        first = np.argsort(~usable, axis=1, kind="stable")[:, :n]  # the usable ones, best first
        found = np.where(np.take_along_axis(usable, first, axis=1), np.take_along_axis(found, first, axis=1), -1)
        # scored again as the exact path scores (the same float32 product), so both rank alike
        scores = np.einsum("rd,rcd->rc", users, self.artists[np.maximum(found, 0)])
        scores[found < 0] = -np.inf
        tidy = np.lexsort((np.where(found < 0, n_artists, found), -scores), axis=1)
        return np.take_along_axis(found, tidy, axis=1), np.take_along_axis(scores, tidy, axis=1), complete
