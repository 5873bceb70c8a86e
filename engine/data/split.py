"""The hold-out protocol: a seeded per-listener split of the plays into training and held-out pairs.

The evaluation measures on it, and the ranker trains on a second split inside its training data."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cratedig.engine.data.types import Dataset
from cratedig.engine.data.features import normalised_weights

HOLDOUT_FRACTION = 0.2
MIN_ARTISTS_TO_SPLIT = 5


@dataclass(frozen=True)
class Split:
    """Training data (held-out pairs and their tag assignments removed) and the held-out pairs."""

    train: Dataset
    test_listener: np.ndarray
    test_artist: np.ndarray
    test_weight: np.ndarray
    test_target: np.ndarray  # the seed's target: weight / L2 norm of the listener's weights (all data)

    def held_out(self) -> sp.csr_matrix:
        """Listener x artist binary matrix of the held-out pairs."""
        ones = np.ones(len(self.test_listener), dtype=np.float32)
        return sp.csr_matrix((ones, (self.test_listener, self.test_artist)),
                             shape=(self.train.n_listeners, self.train.n_artists))

    def held_out_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The held-out pairs regrouped as one row per listener: (listeners, artists, row, column)
        with `artists` (n_listeners, most held out) padded with artist 0 and pair i at
        [row[i], column[i]]."""
        listeners, row = np.unique(self.test_listener, return_inverse=True)
        order = np.argsort(row, kind="stable")
        starts = np.searchsorted(row[order], np.arange(len(listeners)))
        column = np.empty(len(row), dtype=np.int64)
        column[order] = np.arange(len(row)) - starts[row[order]]
        artists = np.zeros((len(listeners), column.max(initial=-1) + 1), dtype=np.int64)
        artists[row, column] = self.test_artist
        return listeners, artists, row, column


def holdout_split(dataset: Dataset, fraction: float = HOLDOUT_FRACTION, seed: int = 42,
                  min_artists: int = MIN_ARTISTS_TO_SPLIT) -> Split:
    """Hold out `fraction` of each listener's artists (rounded, at least one); listeners with
    fewer than `min_artists` artists stay whole in train."""
    plays = dataset.plays
    rng = np.random.default_rng(seed)
    order = np.lexsort((rng.random(len(plays)), plays.listener))
    counts = np.bincount(plays.listener, minlength=dataset.n_listeners)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank_in_listener = np.empty(len(plays), dtype=np.int64)
    rank_in_listener[order] = np.arange(len(plays)) - starts[plays.listener[order]]
    n_held = np.where(counts >= min_artists, np.maximum(1, np.rint(counts * fraction)), 0).astype(np.int64)
    held = rank_in_listener < n_held[plays.listener]
    target = normalised_weights(dataset)[held]
    return Split(dataset.with_plays(~held), plays.listener[held], plays.artist[held], plays.weight[held], target)
