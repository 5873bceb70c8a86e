"""`ranking`: re-orders a retrieval stage's candidates by predicted normalised play weight."""
from __future__ import annotations

import numpy as np

from engine.models.base import Query, Recommender
from engine.models.training_data import history_arrays, with_sampled_negatives
from engine.nn import mlp_forward

SCORE_CHUNK = 4096


class RankingModel(Recommender):
    name = "ranking"
    stage = "ranking"
    defaults = dict(dim=32, hidden=(64, 32), epochs=8, batch_size=2048, learning_rate=0.003,
                    negatives_per_positive=4)

    def _fit(self, dataset, progress, strategy):
        from engine.keras_models.fit import fit
        from engine.keras_models.layers import HistoryPooling
        from engine.keras_models.ranking import WeightRanker

        p = {**self.defaults, **self.params}
        features = with_sampled_negatives(dataset, p["negatives_per_positive"], seed=p.get("seed", 0))
        model, self.losses = fit(
            self.name, lambda: WeightRanker(HistoryPooling(*history_arrays(dataset)), dataset.n_artists,
                                            p["dim"], tuple(p["hidden"])),
            features, epochs=p["epochs"], batch_size=p["batch_size"], learning_rate=p["learning_rate"],
            seed=p.get("seed", 0), progress=progress, strategy=strategy)
        from engine.keras_models.layers import export_mlp
        self.arrays = {"artists": model.artist_embedding.embeddings.numpy(),
                       **export_mlp(model.scorer, "scorer")}

    def score(self, query: Query, candidates: np.ndarray | None = None) -> np.ndarray:
        table = self.arrays["artists"]
        listeners = np.asarray(query.history @ table, dtype=np.float32)
        if candidates is None:
            candidates = np.arange(len(table))
        candidates = np.asarray(candidates)
        if candidates.ndim == 1:
            candidates = np.broadcast_to(candidates, (len(query), len(candidates)))
        b, c = candidates.shape
        user = np.repeat(listeners, c, axis=0)
        item = table[candidates.reshape(-1)]
        out = np.empty(b * c, np.float32)
        for start in range(0, b * c, SCORE_CHUNK):
            sl = slice(start, start + SCORE_CHUNK)
            x = np.concatenate([user[sl], item[sl], user[sl] * item[sl]], axis=1)
            out[sl] = mlp_forward(x, self.arrays, "scorer")[:, 0]
        return out.reshape(b, c)

    def artist_vectors(self):
        return self.arrays["artists"]

    def to_arrays(self):
        return dict(self.arrays)

    def load_arrays(self, arrays, dataset):
        self.arrays = dict(arrays)
