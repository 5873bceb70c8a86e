"""`retrieval`: TFRS two-tower with id towers; new listeners folded in by a few gradient steps."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cratedig.engine.models.base import FactorModel
from cratedig.engine.models.keras.inputs import positive_pairs, sampling_probability

FOLD_IN_STEPS = 20
FOLD_IN_RATE = 1.0
FOLD_IN_CELLS = 1 << 24  # numbers in one chunk's logits (64 MB in float32)


#: Above this many embedding rows (listeners + artists) the step is made sparse: L2 on the batch's
#: rows and LazyAdam, which updates only those rows (see keras.retrieval and keras.optimizers). A
#: dense step costs the whole tables (0.41-0.72 s at Last.fm-360K's 520,000 rows, ~12 ms sparse);
#: on HetRec (19,524 rows) it is cheap and does better: validation Recall@10 0.1616 against 0.1593
#: for the sparse step at its best BATCH_L2 (`python -m bench.tune --only retrieval --grid
#: '{"regularise": ["batch"], "batch_l2": [0.0001, 0.001, 0.01, 0.03, 0.1, 0.3]}'`).
SPARSE_STEP_ABOVE_ROWS = 100_000
BATCH_L2 = 0.03


class TwoTowerModel(FactorModel):
    name = "retrieval"
    #: max_steps_per_epoch: None, every pair once an epoch; N, N batches of each epoch's permutation.
    #: regularise: "tables" (l2 on both whole tables, Adam), "batch" (batch_l2 on the batch's rows,
    #: LazyAdam) or "auto" (batch above SPARSE_STEP_ABOVE_ROWS rows).
    defaults = dict(dim=64, epochs=8, batch_size=1024, learning_rate=0.01, l2=1e-4, batch_l2=BATCH_L2,
                    sampling_correction=True, fold_in_l2=0.01, max_steps_per_epoch=None, regularise="auto")

    def step_kind(self, dataset) -> str:
        """"tables" or "batch": where the L2 penalty acts (and so whether a step is sparse)."""
        kind = self.params["regularise"]
        if kind == "auto":
            return "batch" if dataset.n_listeners + dataset.n_artists > SPARSE_STEP_ABOVE_ROWS else "tables"
        if kind not in ("tables", "batch"):
            raise ValueError(f"regularise must be 'auto', 'tables' or 'batch', got {kind!r}")
        return kind

    def _fit(self, dataset, progress, strategy, upstream):
        from cratedig.engine.models.keras.fit import fit
        from cratedig.engine.models.keras.retrieval import TwoTowerRetrieval

        p = self.params
        pairs = positive_pairs(dataset)
        probability = sampling_probability(dataset) if p["sampling_correction"] else None
        kind = self.step_kind(dataset)
        l2 = p["batch_l2"] if kind == "batch" else p["l2"]
        model, self.losses = fit(
            self.name, lambda: TwoTowerRetrieval(dataset.n_listeners, dataset.n_artists, p["dim"],
                                                 probability, l2=l2, regularise=kind),
            {"listener": pairs["listener"], "artist": pairs["artist"]},
            epochs=p["epochs"], batch_size=p["batch_size"], learning_rate=p["learning_rate"],
            seed=p.get("seed", 0), progress=progress, strategy=strategy,
            optimizer="lazy_adam" if kind == "batch" else "adam", max_steps_per_epoch=p["max_steps_per_epoch"])
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

    def fold_in_many(self, history: sp.csr_matrix) -> np.ndarray:
        """`fold_in` for every row at once: the same steps on a chunk of rows, as matrix products
        (a chunk's logits hold about FOLD_IN_CELLS numbers)."""
        l2 = float(self.params["fold_in_l2"])
        sums = np.asarray(history.sum(axis=1)).ravel()
        target = sp.diags(1.0 / np.where(sums > 0, sums, 1.0)) @ history
        out = np.zeros((history.shape[0], self.artists.shape[1]), np.float32)
        rows = max(1, FOLD_IN_CELLS // len(self.artists))
        for start in range(0, history.shape[0], rows):
            pull = np.asarray(target[start:start + rows] @ self.artists, dtype=np.float32)
            u = pull.copy()
            for step in range(FOLD_IN_STEPS):
                logits = u @ self.artists.T
                p = np.exp(logits - logits.max(axis=1, keepdims=True))
                p /= p.sum(axis=1, keepdims=True)
                grad = pull - p.astype(np.float32) @ self.artists - 2 * l2 * u
                u += FOLD_IN_RATE / np.sqrt(1 + step) * grad
            out[start:start + rows] = u
        return out

    def to_arrays(self):
        return {"users": self.users, "artists": self.artists}

    def load_arrays(self, arrays, dataset, upstream):
        self.users, self.artists = arrays["users"], arrays["artists"]
