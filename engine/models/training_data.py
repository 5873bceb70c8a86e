"""Column arrays the Keras models train on, built once per dataset with NumPy."""
from __future__ import annotations

import numpy as np

from engine.dataset import Dataset
from engine.features import artist_popularity
from engine.models.base import history_matrix


def positive_pairs(dataset: Dataset) -> dict[str, np.ndarray]:
    """One row per play: listener, artist, its normalised weight (also its weight in the history)."""
    history = history_matrix(dataset).tocoo()
    weight = history.data.astype(np.float32)
    return {"listener": history.row.astype(np.int32), "artist": history.col.astype(np.int32),
            "target": weight, "self_weight": weight}


def history_arrays(dataset: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(artists, weights, row_lengths) of every listener's history, for HistoryPooling."""
    history = history_matrix(dataset)
    return history.indices.astype(np.int32), history.data.astype(np.float32), np.diff(history.indptr)


def sampling_probability(dataset: Dataset) -> np.ndarray:
    """How likely each artist is to appear as a positive in a batch: its share of all plays."""
    counts = np.maximum(artist_popularity(dataset).astype(np.float64), 0.5)
    return counts / counts.sum()


def with_sampled_negatives(dataset: Dataset, per_positive: int, seed: int,
                           distribution: str = "uniform") -> dict[str, np.ndarray]:
    """Positive pairs plus `per_positive` unplayed artists per play as zero-weight examples.
    Uniform negatives keep popularity in what the model learns (it helps recall); negatives drawn
    in proportion to popularity ("popularity") cancel it out."""
    pos = positive_pairs(dataset)
    rng = np.random.default_rng(seed)
    n = len(pos["listener"]) * per_positive
    probability = sampling_probability(dataset) if distribution == "popularity" else None
    listener = np.repeat(pos["listener"], per_positive)
    artist = rng.choice(dataset.n_artists, size=n, p=probability).astype(np.int32)
    seen = history_matrix(dataset)
    played = np.asarray(seen[listener, artist]).ravel() > 0
    listener, artist = listener[~played], artist[~played]
    zeros = np.zeros(len(listener), np.float32)
    return {"listener": np.concatenate([pos["listener"], listener]),
            "artist": np.concatenate([pos["artist"], artist]),
            "target": np.concatenate([pos["target"], zeros]),
            "self_weight": np.concatenate([pos["self_weight"], zeros])}
