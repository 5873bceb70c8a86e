"""Synthetic data in HetRec's files (the demo data and the tests'), written whole or not at all;
`synthetic360k` writes the same simulation in Last.fm-360K's files."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from cratedig.engine.data.simulation import GENRES, MOODS, SyntheticSpec, artist_names, simulate_plays
from cratedig.engine.data.synthetic360k import generate_lastfm360k
from cratedig.engine.errors import SettingError, UsageError

__all__ = ["SyntheticSpec", "generate", "generate_into_new", "write_synthetic", "ensure_demo_data", "GENRES"]


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
    names = artist_names(spec.artists, rng)
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
#: measured peak memory of `generate` (cratedig synth, 100,000 and 400,000 listeners): about 180
#: bytes a play on top of a few hundred MB
BYTES_PER_PLAY, BASE_BYTES = 200, 400 << 20
LIMITS = {"listeners": (2, 1_000_000), "artists": (10, 1_000_000), "genres": (1, len(GENRES)), "seed": (0, 2**32 - 1)}


def check_memory(spec: SyntheticSpec) -> None:
    """UsageError, before anything is written, when generating `spec` would need more memory than
    this machine has available (estimated from its plays)."""
    need = BASE_BYTES + BYTES_PER_PLAY * spec.listeners * spec.mean_artists_per_listener
    available = _available_memory()
    if available is not None and need > 0.8 * available:
        raise UsageError(f"{spec.listeners:,} listeners need about {need / 2**30:.1f} GB of memory to generate; "
                         f"this machine has {available / 2**30:.1f} GB available: ask for fewer listeners")


def _available_memory() -> int | None:
    """Bytes of memory available now (Linux: MemAvailable), or None where it cannot be told."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def write_synthetic(dest: str | Path, listeners: int, artists: int, genres: int, seed: int,
                    kind: str = "hetrec-2k") -> Path:
    """A synthetic dataset in the format of `kind` (HetRec's files, or Last.fm-360K's with its quirks
    at a low rate) in a new (or empty) folder `dest`; UsageError for sizes out of LIMITS or a
    destination that holds anything."""
    for name, value in (("listeners", listeners), ("artists", artists), ("genres", genres), ("seed", seed)):
        low, high = LIMITS[name]
        if not low <= value <= high:
            raise SettingError(name, "{setting} must be between {low:,} and {high:,}, got {value:,}", low=low, high=high,
                               value=value)
    spec = SyntheticSpec(listeners=listeners, artists=artists, genres=genres, seed=seed)
    check_memory(spec)
    dest = Path(dest)
    try:
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise UsageError(f"{dest} already exists and is not an empty folder; choose a new one")
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
    from cratedig.engine.paths import demo_data_dir

    dest = Path(dest) if dest is not None else demo_data_dir()
    if (dest / "user_artists.dat").exists():
        return dest
    return generate_into_new(dest, DEMO_SPEC)
