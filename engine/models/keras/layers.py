"""Layers shared by the Keras models, and their export to plain NumPy arrays."""
from __future__ import annotations

import numpy as np

from cratedig.engine.models.keras.runtime import tf


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


class PaddedHistoryPooling(tf.keras.layers.Layer):
    """HistoryPooling's sums from a dense table padded to the longest history (artist 0, weight 0):
    every shape in a step is then fixed, so the step compiles with XLA (`tf.unique`, ragged gathers
    and sparse products do not). Each pooled listener costs the longest history, not their own, so
    it pays only when the table is well filled (see `pads_well`)."""

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


#: the padded table is used when at least this share of its cells hold a history entry
PADDED_FILL = 0.5


def pads_well(history) -> bool:
    """Whether these history rows (CSR) go in a padded table, so that a step using them compiles
    with XLA: when the table would be at least PADDED_FILL full. On HetRec (histories of at most 50
    artists; the ranker's table 56 % full) an epoch of the ranker took 0.75-1.28 s instead of
    1.22-1.84 with the ragged table; on the growth curve's synthetic data, whose histories have a
    long tail (the ranker's table 11 % full at 1x), it made the ranker's training at 1x take 63.6 s
    instead of 29.9 with the ragged table (two growth-curve runs 17 minutes apart)."""
    lengths = np.diff(history.indptr)
    return history.nnz >= PADDED_FILL * len(lengths) * max(int(lengths.max(initial=0)), 1)


def history_pooling(history) -> tf.keras.layers.Layer:
    """The pooling layer for these history rows: padded if `pads_well`, else ragged."""
    if pads_well(history):
        return PaddedHistoryPooling(history)
    return HistoryPooling(history.indices, history.data, np.diff(history.indptr))


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
