"""Synthetic data in the Last.fm-360K format, with that file's quirks at a controlled rate.

The plays come from the same simulation as the HetRec-format data (engine.data.synthetic: genres,
long-tail popularity, favourite genres); they are written as the two files of the real archive.
Listener ids are SHA-1 strings, most artists have an MBID, and at `quirk_rate` (a share of rows or
profiles) each quirk the reader handles appears: rows without the MBID, other spellings of a name,
stray tabs and control characters in names, Windows-1252 bytes, plays of 0 and absurdly many,
duplicate rows, ages outside 5-100, missing countries, and a last line cut short."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from cratedig.engine.data.lastfm360k import PLAYS_FILE, PROFILE_FILE
from cratedig.engine.data.simulation import SyntheticSpec, artist_names, simulate_plays

COUNTRIES = ("United States", "United Kingdom", "Germany", "Poland", "Brazil", "Sweden", "Spain",
             "Finland", "Russian Federation", "Japan", "Mexico", "France", "Italy", "Norway")
#: the share of artists without an MBID (about 9 % of rows in the real file)
NO_MBID_SHARE = 0.09


def _sha1s(n: int, seed: int) -> np.ndarray:
    return np.array([hashlib.sha1(f"listener {i} of seed {seed}".encode()).hexdigest() for i in range(n)])


def _mbids(n: int, rng: np.random.Generator) -> np.ndarray:
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    hexed = np.array([row.tobytes().hex() for row in raw])
    return np.array([f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in hexed])


def generate_lastfm360k(dest: Path | str, spec: SyntheticSpec, quirk_rate: float = 0.001) -> Path:
    """Write usersha1-artmbid-artname-plays.tsv and usersha1-profile.tsv into `dest`."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    plays, _ = simulate_plays(spec, rng)
    names = np.array(artist_names(spec.artists, rng), dtype=object)
    accented = rng.random(spec.artists) < 0.05  # some names outside ASCII, as in the real file
    names[accented] = names[accented] + " é"
    mbids = _mbids(spec.artists, rng)
    mbids[rng.random(spec.artists) < NO_MBID_SHARE] = ""
    users = _sha1s(spec.listeners, spec.seed)

    listener = plays["userID"].to_numpy() - 2
    artist = plays["artistID"].to_numpy() - 1
    table = pd.DataFrame({"user": users[listener], "mbid": mbids[artist], "name": names[artist],
                          "plays": plays["weight"].to_numpy()})
    n = len(table)

    def some(share: float = quirk_rate) -> np.ndarray:
        return np.flatnonzero(rng.random(n) < share)

    table.loc[some(), "mbid"] = ""  # a row without the artist's MBID
    spelled = some()
    table.loc[spelled, "name"] = table["name"].iloc[spelled].str.upper()  # another spelling
    tabbed = some()
    table.loc[tabbed, "name"] = table["name"].iloc[tabbed] + "\t"
    control = some()
    table.loc[control, "name"] = table["name"].iloc[control] + "\x07"
    table.loc[some(), "plays"] = 0
    table.loc[some(quirk_rate / 10), "plays"] = 10**9
    duplicates = table.iloc[some()]
    table = pd.concat([table, duplicates], ignore_index=True)
    latin = np.zeros(len(table), dtype=bool)
    latin[np.flatnonzero(rng.random(len(table)) < quirk_rate)] = True
    latin &= table["name"].str.contains("é", regex=False).to_numpy()

    lines = (table["user"] + "\t" + table["mbid"] + "\t" + table["name"] + "\t"
             + table["plays"].astype(str) + "\n")
    with open(dest / PLAYS_FILE, "wb") as out:
        step = 1 << 20
        for start in range(0, len(lines), step):
            block = lines.iloc[start:start + step]
            bad = latin[start:start + step]
            out.write("".join(block[~bad].tolist()).encode("utf-8"))
            out.write("".join(block[bad].tolist()).encode("cp1252"))
        if quirk_rate > 0:
            out.write(f"{users[0]}\t\tcut sho".encode())  # the last line, cut short

    profiles = pd.DataFrame({
        "user": users,
        "gender": np.array(["m", "f", ""])[rng.choice(3, spec.listeners, p=[0.6, 0.3, 0.1])],
        "age": rng.integers(14, 60, spec.listeners).astype(str),
        "country": np.array(COUNTRIES)[rng.integers(0, len(COUNTRIES), spec.listeners)],
        "signup": pd.to_datetime(rng.integers(12_000, 14_000, spec.listeners), unit="D").strftime("%b %d, %Y"),
    })
    odd = rng.random(spec.listeners)
    profiles.loc[odd < quirk_rate * 10, "age"] = "-1337"
    profiles.loc[(odd >= quirk_rate * 10) & (odd < quirk_rate * 20), "age"] = ""
    profiles.loc[rng.random(spec.listeners) < quirk_rate * 10, "country"] = ""
    profiles.to_csv(dest / PROFILE_FILE, sep="\t", header=False, index=False, lineterminator="\n")
    return dest
