"""Matrix factorisation with the seed's objective: squared error on observed entries, L2 and gravity.

loss = mean_obs (y - <u, v>)^2 + l2 * (|U|^2 / n_listeners + |V|^2 / n_artists)
       + gravity / (n_listeners * n_artists) * sum((U^T U) * (V^T V))
The gravity term is the mean squared score over *all* cells, pulling unobserved scores to zero."""
from __future__ import annotations

from engine.models.keras.runtime import tf, tfrs


class MatrixFactorization(tfrs.Model):
    def __init__(self, n_listeners: int, n_artists: int, dim: int, l2: float, gravity: float,
                 init_stddev: float = 0.05):
        super().__init__()
        def init():  # a fresh initializer per table: a shared one draws the same values twice
            return tf.keras.initializers.RandomNormal(stddev=init_stddev)

        self.listener_embedding = tf.keras.layers.Embedding(n_listeners, dim, embeddings_initializer=init())
        self.artist_embedding = tf.keras.layers.Embedding(n_artists, dim, embeddings_initializer=init())
        self.n_listeners, self.n_artists = float(n_listeners), float(n_artists)
        self.l2, self.gravity = l2, gravity

    def compute_loss(self, features, training=False):
        u = self.listener_embedding(features["listener"])
        v = self.artist_embedding(features["artist"])
        observed = tf.reduce_mean(tf.square(features["target"] - tf.reduce_sum(u * v, axis=1)))
        U, V = self.listener_embedding.embeddings, self.artist_embedding.embeddings
        l2 = self.l2 * (tf.reduce_sum(U * U) / self.n_listeners + tf.reduce_sum(V * V) / self.n_artists)
        gram = tf.reduce_sum(tf.matmul(U, U, transpose_a=True) * tf.matmul(V, V, transpose_a=True))
        gravity = self.gravity * gram / (self.n_listeners * self.n_artists)
        return observed + l2 + gravity
