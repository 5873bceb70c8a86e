"""Ranking (TFRS, multi-task): an MLP over the listener and artist embeddings and the pair
features (engine.models.ranking.features) with two heads, as in the TFRS multi-task example: will
the listener play this candidate (binary; re-ranking orders by it) and how much (the per-listener
L2-normalised play weight, as an offset from the listener's mean)."""
from __future__ import annotations

from cratedig.engine.models.keras.fit import replica_share
from cratedig.engine.models.keras.layers import mlp
from cratedig.engine.models.keras.runtime import tf, tfrs


class WeightRanker(tfrs.Model):
    def __init__(self, history: tf.keras.layers.Layer, n_artists: int, dim: int, hidden: tuple[int, ...],
                 weight_loss: float, l2: float, batch_size: int, play_share: float, weight_share: float):
        super().__init__()
        self.history_pool = history
        self.artist_embedding = tf.keras.layers.Embedding(
            n_artists, dim, embeddings_initializer=tf.keras.initializers.RandomNormal(stddev=0.01))
        self.l2 = l2
        self.artist_embedding.build((None,))
        self.trunk = mlp(hidden[:-1], hidden[-1], name="trunk")
        self.play_head = mlp((), 1, name="play_head")
        self.weight_head = mlp((), 1, name="weight_head")
        self.weight_loss = weight_loss
        # Each task's summed loss divided by its expected rows in a global batch (a fixed count, as
        # tf.distribute strategies require): a mean per task, whatever share of rows it trains on.
        self.play_rows = float(batch_size * play_share)
        self.weight_rows = float(batch_size * weight_share)
        sum_ = tf.keras.losses.Reduction.SUM
        # No metrics: nothing reads them, and an AUC and an RMSE updated every step cost time.
        self.play_task = tfrs.tasks.Ranking(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True, reduction=sum_))
        self.weight_task = tfrs.tasks.Ranking(loss=tf.keras.losses.MeanSquaredError(reduction=sum_))

    def call(self, inputs):
        table = self.artist_embedding.embeddings
        artist = tf.gather(table, inputs["artist"])
        listener = self.history_pool(inputs["listener"], table)
        shared = tf.nn.relu(self.trunk(tf.concat([inputs["features"], listener, artist, listener * artist], axis=1)))
        return self.play_head(shared), self.weight_head(shared) + tf.expand_dims(inputs["mean_weight"], 1)

    def compute_loss(self, inputs, training=False):
        play_logit, weight = self(inputs)
        # Keras losses average over the last axis: labels and predictions are (batch, 1).
        play_loss = self.play_task(labels=tf.expand_dims(inputs["played"], 1), predictions=play_logit,
                                   sample_weight=inputs["play_mask"])
        weight_loss = self.weight_task(labels=tf.expand_dims(inputs["target"], 1), predictions=weight,
                                       sample_weight=inputs["weight_mask"])
        table = self.artist_embedding.embeddings
        return (play_loss / self.play_rows + self.weight_loss * weight_loss / self.weight_rows
                + replica_share(self.l2 * tf.reduce_sum(table * table)))
