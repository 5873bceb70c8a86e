"""`context`: matrix factorisation whose artist vectors also read the artists' tag text.

An artist's vector is its id embedding plus the mean embedding of its tag tokens (see
engine.models.keras.mf), trained with mf's objective. Everything mf knows, plus content: an artist
with few listeners gets part of its vector from the tags it shares with well-known artists. It
starts from the trained `mf` (its tables; the tag tokens at zero) and trains further epochs (how
many, and the tag tokens' L2, are chosen on the validation split: engine/models/tuned.json). New
listeners are folded in exactly as in mf."""
from __future__ import annotations

import numpy as np

from cratedig.engine.data.features import artist_tags
from cratedig.engine.models.mf import MatrixFactorizationModel

MAX_TAGS_PER_ARTIST = 8


def artist_texts(dataset) -> np.ndarray:
    """Each artist's tags (applied at least once, most applied first) joined as text; on a dataset
    without tags (Last.fm-360K), the artist's name: its words are what content there is."""
    if not dataset.has_tags:
        return np.asarray(dataset.artist_names, dtype=object)
    tags = artist_tags(dataset, min_count=1)
    names = dataset.tag_names
    return np.array([" ".join(names[tags.of(a)[:MAX_TAGS_PER_ARTIST]]) for a in range(dataset.n_artists)],
                    dtype=object)


AGE_BANDS = (0, 18, 22, 26, 30, 35, 45, 200)


def listener_profile_tokens(dataset) -> np.ndarray | None:
    """(n_listeners, 3) token ids (country, age band, gender; -1 when unknown) from Last.fm-360K's
    profiles, or None on a dataset without them."""
    profiles = dataset.profiles
    if profiles is None:
        return None
    n_countries = len(profiles.countries)
    band = np.searchsorted(AGE_BANDS, profiles.age, side="right") - 1
    return np.stack([
        np.where(profiles.country >= 0, profiles.country, -1),
        np.where(profiles.age >= 0, n_countries + band, -1),
        np.where(profiles.gender > 0, n_countries + len(AGE_BANDS) + profiles.gender, -1),
    ], axis=1).astype(np.int64)


def content_used(dataset) -> str:
    """What the context model reads besides ids, in words (shown by `eval` and the app)."""
    if dataset.has_tags:
        return "the artists' tags"
    used = "artist name words"
    return used + ("; listener country, age band, gender" if dataset.profiles is not None else "")


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
        from cratedig.engine.models.keras.context import artist_token_bag

        p = self.params
        return artist_token_bag(artist_texts(dataset).astype(str), p["max_tokens"], p["vocabulary_size"])

    def _listener_content(self, dataset):
        from cratedig.engine.models.keras.context import token_bag

        tokens = listener_profile_tokens(dataset)
        return None if tokens is None else token_bag(tokens)
