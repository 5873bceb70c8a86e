"""Ranking (TFRS): an MLP over the listener's pooled history and the artist, predicting the
per-listener L2-normalised play weight; unplayed artists are sampled in as zero-weight examples."""
from __future__ import annotations

from engine.keras_models.layers import HistoryPooling, mlp
from engine.keras_models.runtime import tf, tfrs


class WeightRanker(tfrs.Model):
    def __init__(self, history: HistoryPooling, n_artists: int, dim: int, hidden: tuple[int, ...]):
        super().__init__()
        self.history_pool = history
        self.artist_embedding = tf.keras.layers.Embedding(
            n_artists, dim, embeddings_initializer=tf.keras.initializers.RandomNormal(stddev=0.05))
        self.artist_embedding.build((None,))
        self.scorer = mlp(hidden, 1, name="scorer")
        self.task = tfrs.tasks.Ranking(loss=tf.keras.losses.MeanSquaredError(),
                                       metrics=[tf.keras.metrics.RootMeanSquaredError()])

    def call(self, features):
        table = self.artist_embedding.embeddings
        artist = tf.gather(table, features["artist"])
        listener = self.history_pool(features["listener"], table, features["artist"], features["self_weight"])
        return self.scorer(tf.concat([listener, artist, listener * artist], axis=1))

    def compute_loss(self, features, training=False):
        return self.task(labels=features["target"], predictions=tf.squeeze(self(features), 1))
