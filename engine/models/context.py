"""`context`: two-tower with tags; the listener tower reads history, so cold start needs no fold-in."""
from __future__ import annotations

import numpy as np

from engine.data.features import artist_tags
from engine.models.base import EmbeddingRetriever
from engine.models.keras.inputs import history_arrays, positive_pairs, sampling_probability
from engine.models.nn import mlp_forward
from engine.models.query import Query

MAX_TAGS_PER_ARTIST = 8


def artist_texts(dataset) -> np.ndarray:
    """Each artist's tags (applied at least once, most applied first) joined as text."""
    tags = artist_tags(dataset, min_count=1)
    names = dataset.tag_names
    return np.array([" ".join(names[tags.of(a)[:MAX_TAGS_PER_ARTIST]]) for a in range(dataset.n_artists)],
                    dtype=object)


class ContextModel(EmbeddingRetriever):
    name = "context"
    defaults = dict(dim=32, hidden=(128,), epochs=6, batch_size=1024, learning_rate=0.005,
                    max_tokens=16, vocabulary_size=5000)

    def _fit(self, dataset, progress, strategy, upstream):
        from engine.models.keras.context import ArtistTokens, ContextRetrieval
        from engine.models.keras.fit import fit
        from engine.models.keras.layers import HistoryPooling, export_mlp

        p = self.params
        pairs = positive_pairs(dataset)
        texts = artist_texts(dataset).astype(str)

        def build():
            return ContextRetrieval(HistoryPooling(*history_arrays(dataset.history)),
                                    ArtistTokens(texts, p["max_tokens"], p["vocabulary_size"]),
                                    dataset.n_artists, p["dim"], sampling_probability(dataset),
                                    tuple(p["hidden"]))

        features = {k: pairs[k] for k in ("listener", "artist", "self_weight")}
        model, self.losses = fit(self.name, build, features, epochs=p["epochs"],
                                 batch_size=p["batch_size"], learning_rate=p["learning_rate"],
                                 seed=p.get("seed", 0), progress=progress, strategy=strategy)
        self.keras_model = model  # kept for checks in this process; never saved
        tags = model.artist_tags()
        self.artists = model.artist_vectors(np.arange(dataset.n_artists), tags).numpy()
        self.arrays = {"history_ids": model.history_embedding.embeddings.numpy(),
                       "history_tags": tags.numpy(), **export_mlp(model.listener_head, "listener_head")}

    def listener_vectors(self, query: Query) -> np.ndarray:
        ids = query.history @ self.arrays["history_ids"]
        tags = query.history @ self.arrays["history_tags"]
        return mlp_forward(np.concatenate([ids, tags], axis=1).astype(np.float32), self.arrays,
                           "listener_head")

    def to_arrays(self):
        return {"artists": self.artists, **self.arrays}

    def load_arrays(self, arrays, dataset, upstream):
        arrays = dict(arrays)
        self.artists = arrays.pop("artists")
        self.arrays = arrays
