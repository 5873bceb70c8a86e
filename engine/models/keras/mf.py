"""Matrix factorisation with the seed's objective: squared error on observed entries, L2 and gravity.

loss = mean_obs (y - <u, v>)^2 + l2 * (|U|^2 / n_listeners + |E|^2 / n_artists)
       + gravity / (n_listeners * n_artists) * sum((U^T U) * (V^T V))
The gravity term is the mean squared score over *all* cells, pulling unobserved scores to zero.

With `content` (a row-normalised (n_artists, vocabulary) bag of tag tokens, B), an artist's vector
is its id embedding plus the mean embedding of its tag tokens: V = E + B T. Artists that share tags
share part of their vector, so one with few listeners borrows from well-known ones. With
`listener_content` (a bag of profile tokens, P: country, age band, gender) a listener's vector is
likewise U = I + P S.

`start` (listener and artist tables of a trained model of the same size) replaces the random
initialisation: a model that adds to mf can begin where mf ended."""
from __future__ import annotations

import numpy as np

from cratedig.engine.models.keras.fit import replica_share
from cratedig.engine.models.keras.runtime import tf, tfrs


class MatrixFactorization(tfrs.Model):
    def __init__(self, n_listeners: int, n_artists: int, dim: int, l2: float, gravity: float,
                 init_stddev: float = 0.05, content: tf.SparseTensor | None = None, content_l2: float = 0.0,
                 start: tuple[np.ndarray, np.ndarray] | None = None,
                 listener_content: tf.SparseTensor | None = None):
        super().__init__()
        def init(table: int):  # a fresh initializer per table: a shared one draws the same values twice
            if start is not None:
                return tf.keras.initializers.Constant(start[table])
            return tf.keras.initializers.RandomNormal(stddev=init_stddev)

        self.listener_embedding = tf.keras.layers.Embedding(n_listeners, dim, embeddings_initializer=init(0))
        self.artist_embedding = tf.keras.layers.Embedding(n_artists, dim, embeddings_initializer=init(1))
        for table in (self.listener_embedding, self.artist_embedding):
            table.build((None,))
        self.content = content
        if content is not None:  # tag tokens start at zero: the model begins as plain mf
            self.token_embedding = tf.keras.layers.Embedding(
                int(content.dense_shape[1]), dim, embeddings_initializer=tf.keras.initializers.Zeros())
            self.token_embedding.build((None,))
        self.listener_content = listener_content
        if listener_content is not None:  # profile tokens start at zero too
            self.profile_embedding = tf.keras.layers.Embedding(
                int(listener_content.dense_shape[1]), dim, embeddings_initializer=tf.keras.initializers.Zeros())
            self.profile_embedding.build((None,))
        self.n_listeners, self.n_artists = float(n_listeners), float(n_artists)
        self.l2, self.gravity, self.content_l2 = l2, gravity, content_l2

    def artist_table(self) -> tf.Tensor:
        """V: every artist's vector."""
        ids = self.artist_embedding.embeddings
        if self.content is None:
            return ids
        return ids + tf.sparse.sparse_dense_matmul(self.content, self.token_embedding.embeddings)

    def listener_table(self) -> tf.Tensor:
        """U: every listener's vector (its id embedding, plus its profile tokens' mean embedding)."""
        ids = self.listener_embedding.embeddings
        if self.listener_content is None:
            return ids
        return ids + tf.sparse.sparse_dense_matmul(self.listener_content, self.profile_embedding.embeddings)

    def compute_loss(self, features, training=False):
        U, V, E = self.listener_table(), self.artist_table(), self.artist_embedding.embeddings
        I = self.listener_embedding.embeddings
        # the mean over the global batch, this replica's part of it (see keras.fit)
        observed = observed_error(U, V, features["listener"], features["artist"], features["target"],
                                  features["row_weight"])
        l2 = self.l2 * (tf.reduce_sum(I * I) / self.n_listeners + tf.reduce_sum(E * E) / self.n_artists)
        for tokens, present in ((getattr(self, "token_embedding", None), self.content is not None),
                                (getattr(self, "profile_embedding", None), self.listener_content is not None)):
            if present:
                T = tokens.embeddings
                l2 += self.content_l2 * tf.reduce_sum(T * T) / float(T.shape[0])
        gram = tf.reduce_sum(tf.matmul(U, U, transpose_a=True) * tf.matmul(V, V, transpose_a=True))
        gravity = self.gravity * gram / (self.n_listeners * self.n_artists)
        return observed + replica_share(l2 + gravity)


def observed_error(U: tf.Tensor, V: tf.Tensor, listener: tf.Tensor, artist: tf.Tensor, target: tf.Tensor,
                   row_weight: tf.Tensor) -> tf.Tensor:
    """sum_k row_weight_k * (target_k - <U[listener_k], V[artist_k]>)^2, with its gradient as two
    sparse-dense products (the batch's residuals as a listeners x artists matrix R: dU = R V,
    dV = R^T U). The same sums, in the same order, as the gradient of the gathers, which TensorFlow
    builds as row slices and then adds up per row; computed this way it takes about a third less
    time (README, Performance)."""
    rows = tf.stack([tf.cast(listener, tf.int64), tf.cast(artist, tf.int64)], axis=1)
    shape = tf.stack([tf.shape(U, out_type=tf.int64)[0], tf.shape(V, out_type=tf.int64)[0]])

    @tf.custom_gradient
    def error(U, V):
        residual = target - tf.reduce_sum(tf.gather(U, listener) * tf.gather(V, artist), axis=1)

        def gradient(upstream):
            weighted = tf.SparseTensor(rows, -2.0 * upstream * row_weight * residual, shape)
            return (tf.sparse.sparse_dense_matmul(weighted, V),
                    tf.sparse.sparse_dense_matmul(weighted, U, adjoint_a=True))

        return tf.reduce_sum(row_weight * tf.square(residual)), gradient

    return error(U, V)
