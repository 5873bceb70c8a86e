"""The seeded listening simulation both synthetic datasets write (HetRec's files in `synthetic`,
Last.fm-360K's in `synthetic360k`): structure worth recommending from.

Artists belong to genres and have long-tail (Zipf) popularity; listeners favour a few genres; each
play picks a favoured genre most of the time, then an artist of it by popularity; play counts are
log-normal like the real ones; listeners tag some of their artists with the artist's genre (and
sometimes a mood tag). Fully vectorised, so it scales to Last.fm-360K size."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


GENRES = ("rock", "pop", "electronic", "hip-hop", "jazz", "metal", "folk", "post-rock", "soul",
          "punk", "classical", "reggae", "ambient", "indie", "blues", "country", "synthpop",
          "death metal", "trip-hop", "k-pop")
MOODS = ("favorites", "chill", "seen live", "awesome", "female vocalists", "male vocalists")
_SYLLABLES = ("ka", "ra", "lo", "mi", "ne", "so", "ta", "vu", "zen", "dor", "bel", "fi", "gra",
              "hol", "jun", "kel", "mar", "nox", "pol", "qui", "ros", "sil", "tor", "ul", "vin",
              "wex", "yar", "zu", "an", "el", "ox", "ith")
_PREFIXES = ("", "", "", "The ", "DJ ", "Los ")


@dataclass(frozen=True)
class SyntheticSpec:
    listeners: int = 300
    artists: int = 1500
    genres: int = 12
    mean_artists_per_listener: float = 30.0
    favourite_share: float = 0.85
    tagging_share: float = 0.3
    friends_per_listener: float = 4.0
    with_timestamps: bool = False
    seed: int = 0


def artist_names(n: int, rng: np.random.Generator) -> list[str]:
    syll = np.array(_SYLLABLES)
    parts = rng.integers(0, len(syll), size=(n, 4))
    lengths = rng.integers(2, 5, size=n)
    prefix = np.array(_PREFIXES)[rng.integers(0, len(_PREFIXES), size=n)]
    names = pd.Series(["".join(syll[row[:k]]).capitalize() for row, k in zip(parts, lengths)])
    names = prefix + names
    # Names are unique, as in the real file: a repeat gets its index appended.
    repeated = names.duplicated().to_numpy()
    names[repeated] = names[repeated] + " " + pd.Series(np.flatnonzero(repeated)).astype(str).to_numpy()
    return names.tolist()


def simulate_plays(spec: SyntheticSpec, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Plays (userID from 2, artistID from 1, weight) and each artist's genre index."""
    n_genres = min(spec.genres, len(GENRES))

    # Artists: a genre each, Zipf-like popularity.
    artist_genre = rng.integers(0, n_genres, size=spec.artists)
    popularity = 1.0 / np.arange(1, spec.artists + 1) ** 0.9
    rng.shuffle(popularity)
    order = np.lexsort((-popularity, artist_genre))  # artists grouped by genre
    genre_start = np.searchsorted(artist_genre[order], np.arange(n_genres + 1))
    cum = np.empty(spec.artists)
    for g in range(n_genres):  # per genre (at most 20), not per listener
        sl = order[genre_start[g]:genre_start[g + 1]]
        p = popularity[sl]
        cum[genre_start[g]:genre_start[g + 1]] = np.cumsum(p) / p.sum()

    # Listeners: 1-3 favourite genres, a log-normal number of artists.
    n_fav = rng.integers(1, 4, size=spec.listeners)
    favourites = rng.integers(0, n_genres, size=(spec.listeners, 3))
    counts = np.clip(rng.lognormal(np.log(spec.mean_artists_per_listener), 0.6, spec.listeners), 3,
                     spec.artists // 2).astype(np.int64)
    listener = np.repeat(np.arange(spec.listeners), counts)
    favourite_pick = favourites[listener, (rng.random(len(listener)) * n_fav[listener]).astype(int)]
    genre = np.where(rng.random(len(listener)) < spec.favourite_share, favourite_pick,
                     rng.integers(0, n_genres, size=len(listener)))
    starts, stops = genre_start[genre], genre_start[genre + 1]
    empty = stops <= starts
    u = rng.random(len(listener))
    pos = np.empty(len(listener), dtype=np.int64)
    # Vectorised inverse-CDF sampling inside each genre's block of the cumulative array.
    lo, hi = starts.copy(), stops - 1
    while True:
        active = lo < hi
        if not active.any():
            break
        mid = (lo + hi) // 2
        go_right = active & (cum[np.minimum(mid, spec.artists - 1)] < u)
        lo = np.where(go_right, mid + 1, lo)
        hi = np.where(active & ~go_right, mid, hi)
    pos[:] = lo
    artist = np.where(empty, rng.integers(0, spec.artists, size=len(listener)), order[np.minimum(pos, spec.artists - 1)])
    plays = pd.DataFrame({"userID": listener + 2, "artistID": artist + 1})
    plays = plays.drop_duplicates(["userID", "artistID"])
    plays["weight"] = np.maximum(1, rng.lognormal(5.6, 1.4, len(plays))).astype(np.int64)

    return plays, artist_genre
