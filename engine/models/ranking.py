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
    defaults = dict(dim=8, hidden=(32, 16), epochs=3, batch_size=4096, learning_rate=0.005,
                    negatives_per_positive=4, negatives="uniform", weight_loss=10.0, l2=1e-4)
    #: the retrieval model whose artist vectors the ranker reads (frozen); trained first
    requires = ("mf",)

    def _fit(self, dataset, progress, strategy, upstream):
        from engine.keras_models.fit import fit
        from engine.keras_models.layers import HistoryPooling
        from engine.keras_models.ranking import WeightRanker

        p = {**self.defaults, **self.params}
        retriever = upstream[self.requires[0]]
        self.retriever = retriever
        pretrained = retriever.artist_vectors().astype(np.float32)
        features = with_sampled_negatives(dataset, p["negatives_per_positive"], seed=p.get("seed", 0),
                                          distribution=p["negatives"])
        model, self.losses = fit(
            self.name, lambda: WeightRanker(HistoryPooling(*history_arrays(dataset)), dataset.n_artists,
                                            p["dim"], tuple(p["hidden"]), p["weight_loss"],
                                            pretrained, p["l2"], p["batch_size"], retriever.users),
            features, epochs=p["epochs"], batch_size=p["batch_size"], learning_rate=p["learning_rate"],
            seed=p.get("seed", 0), progress=progress, strategy=strategy)
        self.keras_model = model  # kept for checks in this process; never saved
        from engine.keras_models.layers import export_mlp
        self.arrays = {"artists": model.artist_table().numpy(),
                       **export_mlp(model.trunk, "trunk"), **export_mlp(model.play_head, "play"),
                       **export_mlp(model.weight_head, "weight")}

    def score(self, query: Query, candidates: np.ndarray | None = None) -> np.ndarray:
        """The probability that the listener plays each candidate (what re-ranking orders by;
        on the hold-out split it ranks better than the expected weight p * w, see README)."""
        return self.predict(query, candidates)[0]

    def predict(self, query: Query, candidates: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(probability of playing, normalised weight if played), each (batch, n_candidates)."""
        table = self.arrays["artists"]
        listeners = np.asarray(query.history @ table, dtype=np.float32)
        if candidates is None:
            candidates = np.arange(len(table))
        candidates = np.asarray(candidates)
        if candidates.ndim == 1:
            candidates = np.broadcast_to(candidates, (len(query), len(candidates)))
        b, c = candidates.shape
        user = np.repeat(listeners, c, axis=0)
        retrieval_user = np.repeat(self.retriever.listener_vectors(query), c, axis=0)
        width = retrieval_user.shape[1]
        counts = np.maximum(np.diff(query.history.indptr), 1)
        mean_weight = np.repeat(np.asarray(query.history.sum(axis=1)).ravel() / counts, c).astype(np.float32)
        item = table[candidates.reshape(-1)]
        play = np.empty(b * c, np.float32)
        weight = np.empty(b * c, np.float32)
        for start in range(0, b * c, SCORE_CHUNK):
            sl = slice(start, start + SCORE_CHUNK)
            x = np.concatenate([user[sl], item[sl], user[sl] * item[sl],
                                retrieval_user[sl] * item[sl, :width]], axis=1)
            shared = np.maximum(mlp_forward(x, self.arrays, "trunk"), 0.0)
            play[sl] = 1.0 / (1.0 + np.exp(-mlp_forward(shared, self.arrays, "play")[:, 0]))
            weight[sl] = mlp_forward(shared, self.arrays, "weight")[:, 0] + mean_weight[sl]
        return play.reshape(b, c), weight.reshape(b, c)

    def artist_vectors(self):
        return self.arrays["artists"]

    def to_arrays(self):
        return dict(self.arrays)

    def load_arrays(self, arrays, dataset, upstream):
        self.arrays = dict(arrays)
        self.retriever = upstream[self.requires[0]]
