"""Two-tower retrieval with content. Artist tower: id plus tag text (TextVectorization). Listener
tower: pooled history and pooled tag profile of the artists they play, so a new listener described
only by liked artists gets a real embedding without retraining."""
from __future__ import annotations

import numpy as np

from engine.models.keras.layers import HistoryPooling, mlp
from engine.models.keras.runtime import tf, tfrs


class ArtistTokens(tf.keras.layers.Layer):
    """Every artist's tag text, vectorised once into a row-normalised bag of tokens: a sparse
    (n_artists, vocabulary) matrix, so the mean tag embedding of all artists is one matmul."""

    def __init__(self, artist_texts: np.ndarray, max_tokens: int, vocabulary_size: int, **kwargs):
        super().__init__(**kwargs)
        vectorize = tf.keras.layers.TextVectorization(
            max_tokens=vocabulary_size, output_sequence_length=max_tokens)
        # With no tag text at all (a dataset without tags), adapting finds no vocabulary and the
        # lookup fails: give it one token that no artist has, so every artist gets the padding bag.
        vectorize.adapt(tf.constant(artist_texts if any(t.strip() for t in artist_texts) else ["untagged"]))
        self.vocabulary_size = len(vectorize.get_vocabulary())
        ids = vectorize(tf.constant(artist_texts)).numpy()
        rows, cols = np.nonzero(ids > 0)  # 0 is padding
        counts = np.bincount(rows, minlength=len(ids)).astype(np.float32)
        self.bag = tf.sparse.reorder(tf.SparseTensor(
            np.stack([rows, ids[rows, cols]], axis=1).astype(np.int64),
            (1.0 / counts[rows]).astype(np.float32), (len(ids), self.vocabulary_size)))


class ContextRetrieval(tfrs.Model):
    def __init__(self, history: HistoryPooling, tokens: ArtistTokens, n_artists: int, dim: int,
                 artist_probability: np.ndarray | None, hidden: tuple[int, ...]):
        super().__init__()
        def init():  # a fresh initializer per table: a shared one draws the same values twice
            return tf.keras.initializers.RandomNormal(stddev=0.05)

        self.history_pool, self.tokens = history, tokens
        self.tag_embedding = tf.keras.layers.Embedding(tokens.vocabulary_size, dim, embeddings_initializer=init())
        self.artist_id_embedding = tf.keras.layers.Embedding(n_artists, dim, embeddings_initializer=init())
        self.history_embedding = tf.keras.layers.Embedding(n_artists, dim, embeddings_initializer=init())
        for table in (self.tag_embedding, self.artist_id_embedding, self.history_embedding):
            table.build((None,))
        self.artist_head = mlp((), dim, name="artist_head")
        self.listener_head = mlp(hidden, dim, name="listener_head")
        self.probability = (None if artist_probability is None
                            else tf.constant(artist_probability, tf.float32))
        self.task = tfrs.tasks.Retrieval(remove_accidental_hits=True)

    def artist_tags(self):
        """Mean tag-token embedding per artist (zeros for an untagged artist)."""
        return tf.sparse.sparse_dense_matmul(self.tokens.bag, self.tag_embedding.embeddings)

    def artist_vectors(self, artists, tags):
        return self.artist_head(tf.concat([self.artist_id_embedding(artists), tf.gather(tags, artists)], 1))

    def listener_vectors(self, listener, tags, target=None, target_weight=None):
        ids = self.history_pool(listener, self.history_embedding.embeddings, target, target_weight)
        profile = self.history_pool(listener, tags, target, target_weight)
        return self.listener_head(tf.concat([ids, profile], axis=1))

    def compute_loss(self, features, training=False):
        tags = self.artist_tags()
        artists = features["artist"]
        listeners = self.listener_vectors(features["listener"], tags, artists, features["self_weight"])
        candidates = self.artist_vectors(artists, tags)
        probability = None if self.probability is None else tf.gather(self.probability, artists)
        return self.task(listeners, candidates, candidate_sampling_probability=probability,
                         candidate_ids=artists, compute_metrics=False)
