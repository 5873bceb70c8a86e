"""`context`: matrix factorisation whose artist vectors also read the artists' tag text.

An artist's vector is its id embedding plus the mean embedding of its tag tokens (see
engine.models.keras.mf), trained with mf's objective. Everything mf knows, plus content: an artist
with few listeners gets part of its vector from the tags it shares with well-known artists. It
starts from the trained `mf` (its tables; the tag tokens at zero) and trains further epochs (how
many, and the tag tokens' L2, are chosen on the validation split: engine/models/tuned.json). New
listeners are folded in exactly as in mf."""
from __future__ import annotations

import numpy as np

from engine.data.features import artist_tags
from engine.models.mf import MatrixFactorizationModel

MAX_TAGS_PER_ARTIST = 8


def artist_texts(dataset) -> np.ndarray:
    """Each artist's tags (applied at least once, most applied first) joined as text."""
    tags = artist_tags(dataset, min_count=1)
    names = dataset.tag_names
    return np.array([" ".join(names[tags.of(a)[:MAX_TAGS_PER_ARTIST]]) for a in range(dataset.n_artists)],
                    dtype=object)


class ContextModel(MatrixFactorizationModel):
    name = "context"
    defaults = dict(MatrixFactorizationModel.defaults, epochs=40, max_tokens=16, vocabulary_size=5000,
                    content_l2=0.0)
    #: the model it starts from
    requires = ("mf",)

    def _start(self, upstream):
        mf = upstream[self.requires[0]]
        if mf.users.shape[1] != self.params["dim"]:  # a different size asked for: start from random
            return None
        return mf.users, mf.artists

    def _content(self, dataset):
        from engine.models.keras.context import artist_token_bag

        p = self.params
        return artist_token_bag(artist_texts(dataset).astype(str), p["max_tokens"], p["vocabulary_size"])
