"""The content of the `context` model as bags of tokens: every artist's tag text (or name), and on
Last.fm-360K every listener's profile."""
from __future__ import annotations

import numpy as np

from cratedig.engine.models.keras.runtime import tf


def artist_token_bag(artist_texts: np.ndarray, max_tokens: int, vocabulary_size: int) -> tf.SparseTensor:
    """Every artist's tag text, vectorised once (TextVectorization) into a row-normalised bag of
    tokens: a sparse (n_artists, vocabulary) matrix, so all artists' mean tag embeddings are one
    matmul. An untagged artist has an empty row."""
    vectorize = tf.keras.layers.TextVectorization(max_tokens=vocabulary_size, output_sequence_length=max_tokens)
    # With no tag text at all (a dataset without tags), adapting finds no vocabulary and the
    # lookup fails: give it one token that no artist has, so every artist gets an empty bag.
    vectorize.adapt(tf.constant(artist_texts if any(t.strip() for t in artist_texts) else ["untagged"]))
    ids = vectorize(tf.constant(artist_texts)).numpy()
    rows, cols = np.nonzero(ids > 0)  # 0 is padding
    counts = np.bincount(rows, minlength=len(ids)).astype(np.float32)
    bag = tf.SparseTensor(np.stack([rows, ids[rows, cols]], axis=1).astype(np.int64),
                          (1.0 / counts[rows]).astype(np.float32), (len(ids), len(vectorize.get_vocabulary())))
    return tf.sparse.reorder(bag)  # a token twice in one artist's text stays two entries: they add up


def token_bag(tokens: np.ndarray) -> tf.SparseTensor:
    """Rows of token ids (-1: none) as a row-normalised sparse (rows, max id + 1) bag."""
    rows, cols = np.nonzero(tokens >= 0)
    ids = tokens[rows, cols]
    counts = np.bincount(rows, minlength=len(tokens)).astype(np.float32)
    width = int(tokens.max()) + 1 if tokens.size and tokens.max() >= 0 else 1
    bag = tf.SparseTensor(np.stack([rows, ids], axis=1).astype(np.int64), (1.0 / counts[rows]).astype(np.float32),
                          (len(tokens), width))
    return tf.sparse.reorder(bag)
