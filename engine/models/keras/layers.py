"""Layers shared by the Keras models, and their export to plain NumPy arrays."""
from __future__ import annotations

import numpy as np

from engine.models.keras.runtime import tf


class PaddedHistoryPooling(tf.keras.layers.Layer):
    """A listener as the weighted sum of vectors of the artists they play (Covington et al. 2016).

    The histories are a dense table padded to the longest one (artist 0, weight 0), so every shape
    in a step is fixed and the step compiles with XLA (`tf.unique`, ragged gathers and sparse
    products do not): the ranker's epoch on HetRec took 0.8-1.0 s instead of 1.3-1.5 with a ragged
    table and a sparse product. The table is rows x longest history: meant for the few thousand
    listeners the ranker samples, not for a whole catalogue's."""

    def __init__(self, history, **kwargs):
        super().__init__(**kwargs)
        lengths = np.diff(history.indptr)
        longest = max(int(lengths.max(initial=0)), 1)
        filled = np.arange(longest) < lengths[:, None]
        artists = np.zeros(filled.shape, np.int32)
        weights = np.zeros(filled.shape, np.float32)
        artists[filled], weights[filled] = history.indices, history.data
        self.artists, self.history_weights = tf.constant(artists), tf.constant(weights)

    def call(self, listener, artist_vectors):
        vectors = tf.gather(artist_vectors, tf.gather(self.artists, listener))
        return tf.einsum("bh,bhd->bd", tf.gather(self.history_weights, listener), vectors)


def mlp(units: tuple[int, ...], output: int, name: str) -> tf.keras.Sequential:
    """ReLU hidden layers then a linear output layer."""
    layers = [tf.keras.layers.Dense(u, activation="relu") for u in units]
    layers.append(tf.keras.layers.Dense(output))
    return tf.keras.Sequential(layers, name=name)


def export_mlp(model: tf.keras.Sequential, prefix: str) -> dict[str, np.ndarray]:
    """Kernels and biases of an `mlp`, named `{prefix}{i}_kernel` / `{prefix}{i}_bias`."""
    arrays = {}
    for i, layer in enumerate(model.layers):
        kernel, bias = layer.get_weights()
        arrays[f"{prefix}{i}_kernel"] = kernel.astype(np.float32)
        arrays[f"{prefix}{i}_bias"] = bias.astype(np.float32)
    return arrays
