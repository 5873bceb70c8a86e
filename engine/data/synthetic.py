"""A seeded generator of HetRec-shaped data with structure worth recommending from.

Artists belong to genres and have long-tail (Zipf) popularity; listeners favour a few genres; each
play picks a favoured genre most of the time, then an artist of it by popularity; play counts are
log-normal like the real ones; listeners tag some of their artists with the artist's genre (and
sometimes a mood tag). Fully vectorised, so it scales to Last.fm-360K size."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.errors import UsageError

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


def _artist_names(n: int, rng: np.random.Generator) -> list[str]:
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


def generate(dest: Path | str, spec: SyntheticSpec = SyntheticSpec()) -> Path:
    """Write artists.dat, tags.dat, user_artists.dat, user_taggedartists.dat, user_friends.dat."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    n_genres = min(spec.genres, len(GENRES))
    plays, artist_genre = simulate_plays(spec, rng)

    # Tags: the artist's genre tag, sometimes a mood tag too, with plausible dates.
    tag_names = list(GENRES[:n_genres]) + list(MOODS)
    tagged = plays.sample(frac=spec.tagging_share, random_state=spec.seed)
    genre_tags = artist_genre[tagged["artistID"].to_numpy() - 1] + 1
    mood = rng.random(len(tagged)) < 0.3
    mood_tags = n_genres + 1 + rng.integers(0, len(MOODS), size=int(mood.sum()))
    taggings = pd.DataFrame({
        "userID": np.concatenate([tagged["userID"], tagged["userID"].to_numpy()[mood]]),
        "artistID": np.concatenate([tagged["artistID"], tagged["artistID"].to_numpy()[mood]]),
        "tagID": np.concatenate([genre_tags, mood_tags]),
    })
    days = rng.integers(pd.Timestamp("2005-08-01").value // 86_400_000_000_000,
                        pd.Timestamp("2011-05-01").value // 86_400_000_000_000, size=len(taggings))
    dates = pd.to_datetime(days, unit="D")
    taggings["day"], taggings["month"], taggings["year"] = dates.day, dates.month, dates.year

    # Friends: random pairs, both directions, like the real file.
    n_pairs = int(spec.listeners * spec.friends_per_listener / 2)
    a = rng.integers(0, spec.listeners, size=n_pairs) + 2
    b = rng.integers(0, spec.listeners, size=n_pairs) + 2
    keep = a != b
    friends = pd.DataFrame({"userID": np.concatenate([a[keep], b[keep]]),
                            "friendID": np.concatenate([b[keep], a[keep]])}).drop_duplicates()

    ids = np.arange(1, spec.artists + 1)
    names = _artist_names(spec.artists, rng)
    artists = pd.DataFrame({"id": ids, "name": names,
                            "url": [f"http://www.last.fm/music/{n.replace(' ', '+')}" for n in names],
                            "pictureURL": ""})
    tags = pd.DataFrame({"tagID": np.arange(1, len(tag_names) + 1), "tagValue": tag_names})

    def write(frame: pd.DataFrame, name: str) -> None:
        frame.to_csv(dest / name, sep="\t", index=False, lineterminator="\n")

    write(artists, "artists.dat")
    write(tags, "tags.dat")
    write(plays.sort_values(["userID", "artistID"]), "user_artists.dat")
    write(taggings, "user_taggedartists.dat")
    write(friends, "user_friends.dat")
    if spec.with_timestamps:
        stamps = taggings[["userID", "artistID", "tagID"]].copy()
        stamps["timestamp"] = (dates.astype("datetime64[ms]").astype("int64")).to_numpy()
        write(stamps, "user_taggedartists-timestamps.dat")
    return dest


#: synth's bounds: below these the data is too small to load and train on, above them too big for one machine
LIMITS = {"listeners": (2, 2_000_000), "artists": (10, 1_000_000), "genres": (1, len(GENRES)), "seed": (0, 2**32 - 1)}


def write_synthetic(dest: str | Path, listeners: int, artists: int, genres: int, seed: int,
                    kind: str = "hetrec-2k") -> Path:
    """A synthetic dataset in the format of `kind` (HetRec's files, or Last.fm-360K's with its quirks
    at a low rate) in a new (or empty) folder `dest`; UsageError for sizes out of LIMITS or a
    destination that holds anything."""
    for name, value in (("listeners", listeners), ("artists", artists), ("genres", genres), ("seed", seed)):
        low, high = LIMITS[name]
        if not low <= value <= high:
            raise UsageError(f"--{name} must be between {low:,} and {high:,}, got {value:,}")
    dest = Path(dest)
    try:
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise UsageError(f"{dest} already exists and is not an empty folder; choose a new one")
        spec = SyntheticSpec(listeners=listeners, artists=artists, genres=genres, seed=seed)
        return generate_into_new(dest, spec, kind)
    except OSError as exc:
        raise UsageError(f"cannot write the synthetic dataset to {dest}: {exc.strerror or exc}") from None


DEMO_SPEC = SyntheticSpec(listeners=400, artists=2000, genres=16, seed=7)


def generate_into_new(dest: Path, spec: SyntheticSpec, kind: str = "hetrec-2k") -> Path:
    """`generate` (or its Last.fm-360K twin) into a temp folder beside `dest`, then rename it to
    `dest` (absent or an empty folder): a crash leaves no half-written dataset, and nothing already
    there is touched."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        if kind == "lastfm-360k":
            from engine.data.synthetic360k import generate_lastfm360k

            generate_lastfm360k(work, spec)
        else:
            generate(work, spec)
        if dest.is_dir():
            dest.rmdir()  # empty, else OSError: the caller said it must be
        os.replace(work, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest


def ensure_demo_data(dest: Path | None = None) -> Path:
    """The demo dataset directory, generated (atomically) if it is not there yet."""
    from engine.paths import demo_data_dir

    dest = Path(dest) if dest is not None else demo_data_dir()
    if (dest / "user_artists.dat").exists():
        return dest
    return generate_into_new(dest, DEMO_SPEC)
