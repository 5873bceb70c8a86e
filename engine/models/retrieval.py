"""`retrieval`: TFRS two-tower with id towers; new listeners folded in by a few gradient steps."""
from __future__ import annotations

import numpy as np

from engine.models.base import FactorModel
from engine.models.keras.inputs import positive_pairs, sampling_probability

FOLD_IN_STEPS = 20
FOLD_IN_RATE = 1.0


class TwoTowerModel(FactorModel):
    name = "retrieval"
    #: max_steps_per_epoch: None, every pair once an epoch; N, N batches of each epoch's permutation
    defaults = dict(dim=64, epochs=8, batch_size=1024, learning_rate=0.01, l2=1e-4,
                    sampling_correction=True, fold_in_l2=0.01, max_steps_per_epoch=None)

    def _fit(self, dataset, progress, strategy, upstream):
        from engine.models.keras.fit import fit
        from engine.models.keras.retrieval import TwoTowerRetrieval

        p = self.params
        pairs = positive_pairs(dataset)
        probability = sampling_probability(dataset) if p["sampling_correction"] else None
        model, self.losses = fit(
            self.name, lambda: TwoTowerRetrieval(dataset.n_listeners, dataset.n_artists, p["dim"],
                                                 probability, l2=p["l2"]),
            {"listener": pairs["listener"], "artist": pairs["artist"]},
            epochs=p["epochs"], batch_size=p["batch_size"], learning_rate=p["learning_rate"],
            seed=p.get("seed", 0), progress=progress, strategy=strategy, max_steps_per_epoch=p["max_steps_per_epoch"])
        self.keras_model = model  # kept for checks in this process; never saved
        self.users = model.listener_tower.embeddings.numpy()
        self.artists = model.artist_tower.embeddings.numpy()

    def fold_in(self, artists: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Maximise the full-softmax likelihood of the liked artists (with L2) over the listener
        vector, the artist tower frozen: what training would have learnt for this listener."""
        l2 = float(self.params["fold_in_l2"])
        target = weights / weights.sum()
        liked_vectors = self.artists[artists]
        pull = (target @ liked_vectors).astype(np.float32)
        u = pull.copy()
        for step in range(FOLD_IN_STEPS):
            logits = self.artists @ u
            p = np.exp(logits - logits.max())
            p /= p.sum()
            p = p.astype(np.float32)
            grad = pull - p @ self.artists - 2 * l2 * u
            u += FOLD_IN_RATE / np.sqrt(1 + step) * grad
        return u.astype(np.float32)

    def to_arrays(self):
        return {"users": self.users, "artists": self.artists}

    def load_arrays(self, arrays, dataset, upstream):
        self.users, self.artists = arrays["users"], arrays["artists"]
