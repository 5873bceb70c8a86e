"""Layers shared by the Keras models, and their export to plain NumPy arrays."""
from __future__ import annotations

import numpy as np

from engine.models.keras.runtime import tf


class HistoryPooling(tf.keras.layers.Layer):
    """A listener as the weighted sum of vectors of the artists they play (Covington et al. 2016).

    Every batch holds most listeners, so all listeners are pooled with one sparse matmul and the
    batch's rows gathered. `target` removes the target artist's own contribution during
    training, so a listener's history never contains the answer the model is asked to predict."""

    def __init__(self, history_artists: np.ndarray, history_weights: np.ndarray,
                 row_lengths: np.ndarray, **kwargs):
        super().__init__(**kwargs)
        rows = np.repeat(np.arange(len(row_lengths)), row_lengths)
        n_artists = int(history_artists.max()) + 1 if len(history_artists) else 1
        self.n_columns = n_artists
        self.matrix = tf.sparse.reorder(tf.SparseTensor(
            np.stack([rows, history_artists], axis=1).astype(np.int64),
            history_weights.astype(np.float32), (len(row_lengths), n_artists)))

    def call(self, listener, artist_vectors, target=None, target_weight=None):
        pooled = tf.sparse.sparse_dense_matmul(self.matrix, artist_vectors[:self.n_columns])
        pooled = tf.gather(pooled, listener)
        if target is not None:
            pooled -= tf.gather(artist_vectors, target) * tf.expand_dims(target_weight, 1)
        return pooled


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
