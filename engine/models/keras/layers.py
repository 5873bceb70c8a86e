"""Layers shared by the Keras models, and their export to plain NumPy arrays."""
from __future__ import annotations

import numpy as np

from engine.models.keras.runtime import tf


class HistoryPooling(tf.keras.layers.Layer):
    """A listener as the weighted sum of vectors of the artists they play (Covington et al. 2016).

    Only the batch's listeners are pooled: their history rows are gathered from a ragged table
    (one row per listener) and summed per listener, so a step costs the batch's history, not every
    listener's (at Last.fm-360K size, 17 M rows a step). `target` removes the target artist's own
    contribution during training, so a listener's history never contains the answer the model is
    asked to predict."""

    def __init__(self, history_artists: np.ndarray, history_weights: np.ndarray,
                 row_lengths: np.ndarray, **kwargs):
        super().__init__(**kwargs)
        splits = np.concatenate([[0], np.cumsum(row_lengths)]).astype(np.int64)
        self.artists = tf.RaggedTensor.from_row_splits(history_artists.astype(np.int64), splits)
        self.history_weights = tf.RaggedTensor.from_row_splits(history_weights.astype(np.float32), splits)

    def call(self, listener, artist_vectors, target=None, target_weight=None):
        unique, position = tf.unique(tf.cast(listener, tf.int64))
        artists = tf.gather(self.artists, unique)
        weights = tf.gather(self.history_weights, unique)
        # The batch's history rows as a sparse matrix times the table: the same sums as gathering
        # every history vector and adding them up per listener, in under half the time (forward
        # and gradient), because no (history entries x dim) tensor is built.
        rows = tf.SparseTensor(tf.stack([artists.value_rowids(), artists.flat_values], axis=1), weights.flat_values,
                               tf.stack([tf.shape(unique, out_type=tf.int64)[0],
                                         tf.shape(artist_vectors, out_type=tf.int64)[0]]))
        pooled = tf.gather(tf.sparse.sparse_dense_matmul(rows, artist_vectors), position)
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
