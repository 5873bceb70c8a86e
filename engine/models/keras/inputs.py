"""Column arrays the Keras models train on, built once per dataset with NumPy."""
from __future__ import annotations

import numpy as np

from cratedig.engine.data.types import Dataset
from cratedig.engine.data.features import artist_popularity


def positive_pairs(dataset: Dataset) -> dict[str, np.ndarray]:
    """One row per play: listener, artist, its normalised weight (also its weight in the history)."""
    history = dataset.history.tocoo()
    weight = history.data.astype(np.float32)
    return {"listener": history.row.astype(np.int32), "artist": history.col.astype(np.int32),
            "target": weight, "self_weight": weight}


def sampling_probability(dataset: Dataset) -> np.ndarray:
    """How likely each artist is to appear as a positive in a batch: its share of all plays."""
    counts = np.maximum(artist_popularity(dataset).astype(np.float64), 0.5)
    return counts / counts.sum()
