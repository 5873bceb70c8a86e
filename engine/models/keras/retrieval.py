"""Two-tower retrieval (TFRS): id towers, in-batch softmax with sampling-bias correction.

`regularise="tables"` puts the L2 penalty on both whole embedding tables every step: the
gradient is then dense, and a step updates every row (and, with Adam, both of its slots) however
small the batch: 0.41 s a step at Last.fm-360K size. `regularise="batch"` puts it on the rows the
batch uses (a row is shrunk each time it is trained, so frequent rows more often): the gradient
stays a sparse set of rows, and with an optimizer whose sparse update touches only those rows
(keras.optimizers.LazyAdam) a step costs the batch, not the catalogue."""
from __future__ import annotations

import numpy as np

from cratedig.engine.models.keras.fit import replica_share
from cratedig.engine.models.keras.runtime import tf, tfrs


class TwoTowerRetrieval(tfrs.Model):
    def __init__(self, n_listeners: int, n_artists: int, dim: int, artist_probability: np.ndarray | None,
                 l2: float = 0.0, temperature: float | None = None, regularise: str = "tables"):
        super().__init__()
        self.listener_tower = tf.keras.layers.Embedding(n_listeners, dim)
        self.artist_tower = tf.keras.layers.Embedding(n_artists, dim)
        if regularise not in ("tables", "batch"):
            raise ValueError(f"regularise must be 'tables' or 'batch', got {regularise!r}")
        self.l2, self.regularise = l2, regularise
        # In-batch negatives are drawn in proportion to popularity; without the logQ correction the
        # model learns to push popular artists down and recommends the long tail.
        self.probability = (None if artist_probability is None
                            else tf.constant(artist_probability, tf.float32))
        self.task = tfrs.tasks.Retrieval(remove_accidental_hits=True, temperature=temperature)

    def compute_loss(self, features, training=False):
        artists = features["artist"]
        listeners = self.listener_tower(features["listener"])
        candidates = self.artist_tower(artists)
        probability = None if self.probability is None else tf.gather(self.probability, artists)
        # summed over this replica's rows (the strategy sums the replicas: the global batch's sum)
        loss = self.task(listeners, candidates, candidate_sampling_probability=probability,
                         candidate_ids=artists, compute_metrics=False)
        if self.regularise == "batch":  # this replica's rows: the replicas' sums add up to the global batch's
            return loss + self.l2 * (tf.reduce_sum(listeners * listeners) + tf.reduce_sum(candidates * candidates))
        tables = (self.listener_tower.embeddings, self.artist_tower.embeddings)
        return loss + replica_share(self.l2 * tf.add_n([tf.reduce_sum(t * t) for t in tables]))
