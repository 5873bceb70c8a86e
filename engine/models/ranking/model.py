"""`ranking`: re-orders a retrieval stage's candidates by how likely the listener is to play each,
and predicts the normalised play weight. Trained on a probe retriever's candidates for hidden
artists (see engine.models.ranking.examples), so it learns what serving asks of it.

Two settings, chosen on validation (bench/tune.py) to widen what it suggests without losing
Recall: `graph_candidates`, the graph filter's best n (engine.models.graph_filter) added to the
retriever's candidates, in training (a graph filter fitted on each pseudo split's visible part
joins the probe's candidates) as in serving (on catalogues up to LARGE_CATALOGUE artists; its SVD
is too slow above); and `popularity_discount` γ, read only when serving, the score being
P(play) x (1 + listeners of the artist)^-γ. A ranker that never saw the graph's candidates in
training ranked them badly on some seeds (Recall@10 0.2081 -> 0.1879 on seed 45's split). On
HetRec neither kept validation Recall@10, so both are off (0) in tuned.json: the graph filter is
then neither fitted nor kept."""
from __future__ import annotations

import numpy as np

from cratedig.engine.data.split import MIN_ARTISTS_TO_SPLIT, holdout_split
from cratedig.engine.errors import UsageError
from cratedig.engine.models.base import Ranker
from cratedig.engine.models.nn import mlp_forward
from cratedig.engine.models.query import Query
from cratedig.engine.models.ranking.examples import (
                                                     join_examples,
                                                     listener_mean_weights,
                                                     ranking_examples,
                                                     sample_listeners,
                                                     used_history,
                                                     )
from cratedig.engine.models.graph_filter import GraphFilter
from cratedig.engine.models.ranking.features import LARGE_CATALOGUE, RankingFeatures
from cratedig.engine.progress import TrainProgress


class RankingModel(Ranker):
    name = "ranking"
    defaults = dict(dim=8, hidden=(32, 16), epochs=5, batch_size=2048, learning_rate=0.003,
                    candidates=100, weight_loss=2.0, l2=0.01, probe_epochs=50, newcomer_liked=5,
                    pseudo_splits=2, max_listeners=3_000, graph_candidates=0, popularity_discount=0.0)
    #: the retrieval model whose scores the ranker reads; a probe copy of it is trained too
    requires = ("mf",)

    @classmethod
    def check_trainable(cls, dataset):
        counts = np.bincount(dataset.plays.listener, minlength=dataset.n_listeners)
        if not (counts >= MIN_ARTISTS_TO_SPLIT).any():
            raise UsageError(f"too few plays to train the {cls.name} model: it learns from listeners with at "
                             f"least {MIN_ARTISTS_TO_SPLIT} artists, and there are none")

    def _fit(self, dataset, progress, strategy, upstream):
        from cratedig.engine.models.keras.fit import fit
        from cratedig.engine.models.keras.layers import export_mlp, history_pooling, pads_well
        from cratedig.engine.models.keras.ranking import WeightRanker

        p = self.params
        retriever = upstream[self.requires[0]]
        probe_params = dict(retriever.params)
        if p["probe_epochs"] is not None:
            probe_params["epochs"] = p["probe_epochs"]
        probe_epochs = int(probe_params.get("epochs", 0))
        n_splits = int(p["pseudo_splits"])
        # its own candidate source, as serving will use it (the SVD is too slow on large catalogues)
        graph_n = int(p["graph_candidates"]) if dataset.n_artists <= LARGE_CATALOGUE else 0
        total = n_splits * probe_epochs + p["epochs"]

        def report(offset):
            if progress is None:
                return None
            return lambda step: progress(TrainProgress(self.name, offset + step.epoch, total, step.loss))

        # Hold-outs inside the training data, split like the evaluation's (see ranking_examples),
        # each with its own probe: more than one gives the ranker more (and more varied) examples.
        parts = []
        for k in range(n_splits):
            seed = p.get("seed", 0) + 1 + k
            pseudo = holdout_split(dataset, seed=seed)
            probe = type(retriever)(**{**probe_params, "seed": probe_params.get("seed", 0) + k})
            probe.fit(pseudo.train, report(k * probe_epochs), strategy)
            examples_of = sample_listeners(pseudo, p["max_listeners"], seed)
            sources = ((GraphFilter(seed=seed).fit(pseudo.train), graph_n),) if graph_n else ()
            parts.append(ranking_examples(probe, examples_of, p["candidates"], p["newcomer_liked"], sources))
        examples = used_history(join_examples(parts))  # the pooling table holds only the rows used
        columns = dict(examples.columns)
        candidate_rows = columns["play_mask"] > 0
        mean = columns["features"][candidate_rows].mean(axis=0)
        std = np.maximum(columns["features"][candidate_rows].std(axis=0), 1e-6)
        columns["features"] = ((columns["features"] - mean) / std).astype(np.float32)
        model, self.losses = fit(
            self.name, lambda: WeightRanker(history_pooling(examples.history), dataset.n_artists,
                                            p["dim"], tuple(p["hidden"]), p["weight_loss"], p["l2"],
                                            p["batch_size"], candidate_rows.mean(), 1 - candidate_rows.mean()),
            columns, epochs=p["epochs"], batch_size=p["batch_size"], learning_rate=p["learning_rate"],
            seed=p.get("seed", 0), progress=report(n_splits * probe_epochs), strategy=strategy,
            jit_compile=pads_well(examples.history))
        self.keras_model = model  # kept for checks in this process; never saved
        self.positive_rate = examples.positive_rate
        self.arrays = {"artists": model.artist_embedding.embeddings.numpy(),
                       "feature_mean": mean.astype(np.float32), "feature_std": std.astype(np.float32),
                       **export_mlp(model.trunk, "trunk"), **export_mlp(model.play_head, "play"),
                       **export_mlp(model.weight_head, "weight")}
        self.features = RankingFeatures(retriever, dataset)
        self.graph = None
        if graph_n:
            self.graph = GraphFilter(seed=p.get("seed", 0)).fit(dataset)
            self.arrays["graph_vectors"] = self.graph.vectors

    def candidate_sources(self):
        n = int(self.params["graph_candidates"])
        return ((self.graph, n),) if n > 0 and self.graph is not None else ()

    def score(self, query: Query, candidates: np.ndarray | None = None) -> np.ndarray:
        """What re-ranking orders by: the probability that the listener plays each candidate, times
        (1 + the artist's listeners)^-popularity_discount."""
        play = self.predict(query, candidates)[0]
        discount = float(self.params["popularity_discount"])
        if not discount:
            return play
        n_artists = len(self.arrays["artists"])
        picked = np.arange(n_artists) if candidates is None else np.maximum(np.asarray(candidates), 0)
        return play * np.exp(-discount * self.features.log_popularity[picked])

    def predict_weight(self, query: Query, candidates: np.ndarray) -> np.ndarray:
        return self.predict(query, candidates)[1]

    def predict(self, query: Query, candidates: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(probability of playing, normalised weight if played), each (batch, n_candidates)."""
        n_artists = len(self.arrays["artists"])
        candidates = np.arange(n_artists) if candidates is None else np.asarray(candidates)
        if candidates.ndim == 1:
            candidates = np.broadcast_to(candidates, (len(query), len(candidates)))
        features = self.features(query, candidates)
        table = self.arrays["artists"]
        listeners = np.asarray(query.history @ table, dtype=np.float32)
        means = listener_mean_weights(query.history)
        play, weight = self.forward(features, np.repeat(listeners[:, None], candidates.shape[1], axis=1),
                                    table[candidates], np.broadcast_to(means[:, None], candidates.shape))
        return play, weight

    def forward(self, features: np.ndarray, listener: np.ndarray, artist: np.ndarray,
                mean_weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The network in NumPy: raw pair features and embeddings (..., width) -> (play
        probability, weight), each shaped like `mean_weight`."""
        standard = (features - self.arrays["feature_mean"]) / self.arrays["feature_std"]
        x = np.concatenate([standard, listener, artist, listener * artist], axis=-1).astype(np.float32)
        shape = x.shape[:-1]
        shared = np.maximum(mlp_forward(x.reshape(-1, x.shape[-1]), self.arrays, "trunk"), 0.0)
        logit = mlp_forward(shared, self.arrays, "play")[:, 0].reshape(shape)
        weight = mlp_forward(shared, self.arrays, "weight")[:, 0].reshape(shape) + mean_weight
        with np.errstate(over="ignore"):  # exp(-logit) may overflow to inf: the probability is then 0
            return 1.0 / (1.0 + np.exp(-logit)), weight

    def artist_vectors(self):
        return self.arrays["artists"]

    def to_arrays(self):
        return dict(self.arrays)

    def load_arrays(self, arrays, dataset, upstream):
        self.arrays = dict(arrays)
        self.features = RankingFeatures(upstream[self.requires[0]], dataset)
        self.graph = None
        if "graph_vectors" in arrays:
            self.graph = GraphFilter()
            self.graph.load_arrays({"vectors": arrays["graph_vectors"]}, dataset, {})
