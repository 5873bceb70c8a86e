"""Ranking (TFRS, multi-task): an MLP over the listener's pooled history and the artist with two
heads, as in the TFRS multi-task example: will the listener play the artist (binary, with sampled
unplayed artists as negatives; re-ranking orders by it) and, if so, how much (the per-listener
L2-normalised play weight, as an offset from the listener's mean, trained on played pairs only)."""
from __future__ import annotations

import numpy as np

from engine.keras_models.layers import HistoryPooling, mlp
from engine.keras_models.runtime import tf, tfrs


class WeightRanker(tfrs.Model):
    def __init__(self, history: HistoryPooling, n_artists: int, dim: int, hidden: tuple[int, ...],
                 weight_loss: float = 1.0, pretrained: np.ndarray | None = None, l2: float = 0.0,
                 batch_size: int = 1, listener_table: np.ndarray | None = None):
        super().__init__()
        self.history_pool = history
        # The retrieval stage's artist vectors, frozen, give the ranker what retrieval learnt from
        # all listeners; a small trainable table adds what the weights teach on top.
        self.pretrained = None if pretrained is None else tf.constant(pretrained, tf.float32)
        self.artist_embedding = tf.keras.layers.Embedding(
            n_artists, dim, embeddings_initializer=tf.keras.initializers.RandomNormal(stddev=0.01),
            embeddings_regularizer=tf.keras.regularizers.l2(l2) if l2 else None)
        self.artist_embedding.build((None,))
        # The retrieval model's own listener vectors (frozen): with the frozen artist vectors their
        # product is the retrieval score, so the ranker starts from the retrieval order.
        self.listener_table = None if listener_table is None else tf.constant(listener_table, tf.float32)
        self.trunk = mlp(hidden[:-1], hidden[-1], name="trunk")
        self.play_head = mlp((), 1, name="play_head")
        self.weight_head = mlp((), 1, name="weight_head")
        self.weight_loss = weight_loss
        # Summed losses divided by the global batch: what tf.distribute strategies require, and
        # the same mean as usual on one device.
        self.batch_size = float(batch_size)
        sum_ = tf.keras.losses.Reduction.SUM
        self.play_task = tfrs.tasks.Ranking(
            loss=tf.keras.losses.BinaryCrossentropy(from_logits=True, reduction=sum_),
            metrics=[tf.keras.metrics.AUC(from_logits=True, name="auc")])
        self.weight_task = tfrs.tasks.Ranking(loss=tf.keras.losses.MeanSquaredError(reduction=sum_),
                                              metrics=[tf.keras.metrics.RootMeanSquaredError()])

    def artist_table(self):
        table = self.artist_embedding.embeddings
        return table if self.pretrained is None else tf.concat([self.pretrained, table], axis=1)

    def call(self, features):
        table = self.artist_table()
        artist = tf.gather(table, features["artist"])
        listener = self.history_pool(features["listener"], table, features["artist"], features["self_weight"])
        inputs = [listener, artist, listener * artist]
        if self.listener_table is not None:
            upstream = tf.gather(self.listener_table, features["listener"])
            inputs.append(upstream * artist[:, : self.listener_table.shape[1]])
        shared = tf.nn.relu(self.trunk(tf.concat(inputs, axis=1)))
        # The weight head predicts the departure from the listener's mean normalised weight.
        mean = self.history_pool.mean_weight(features["listener"], features["self_weight"])
        return self.play_head(shared), self.weight_head(shared) + tf.expand_dims(mean, 1)

    def compute_loss(self, features, training=False):
        play_logit, weight = self(features)
        # Keras losses average over the last axis: labels and predictions are (batch, 1).
        target = tf.expand_dims(features["target"], 1)
        played = tf.cast(target > 0, tf.float32)
        play_loss = self.play_task(labels=played, predictions=play_logit)
        weight_loss = self.weight_task(labels=target, predictions=weight, sample_weight=played[:, 0])
        return (play_loss + self.weight_loss * weight_loss) / self.batch_size
