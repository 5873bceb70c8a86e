"""Reading the Last.fm-360K dataset (Òscar Celma, 2010): its two tab-separated files, no header.

    usersha1-artmbid-artname-plays.tsv   listener SHA-1, artist MBID (may be empty), artist name, plays
    usersha1-profile.tsv                 listener SHA-1, gender (m/f), age, country, sign-up date

The plays file (17.5 M lines, 1.6 GB) is read in blocks of lines, each parsed by pandas' C reader;
strings are factorised per block, so memory holds codes and the distinct names, not 17.5 M rows of
Python strings. Quirks are dropped or repaired and counted (README, "Bad data"), never fatal unless
most of the file is unreadable:

- a line whose bytes are not UTF-8 is read as Windows-1252 (Latin-1 where that fails);
- a name holding a stray tab (five or more fields) is rejoined with a space; control characters in
  a name become spaces; a line with fewer than four fields, or plays that are not a whole number,
  is dropped; a last line cut short (no newline) is dropped;
- plays of 0 are dropped; plays above MAX_PLAYS are clipped to it;
- an artist is its MBID when it has one; a row without an MBID joins the MBID its normalised name
  has when the name has exactly one, else it is identified by that normalised name; an artist seen
  under several spellings is named by its most common one; a name under several MBIDs stays
  several artists (different artists do share names);
- duplicate (listener, artist) rows — the same pair twice, or two spellings of one artist — are
  summed: both are plays;
- profile ages outside 5-100, unknown genders, empty countries and unparsable dates are unknown.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cratedig.engine.data.types import LASTFM_360K, Dataset, Plays, TagAssignments, frozen
from cratedig.engine.data.readers import QuirkLog, decode_lines
from cratedig.engine.data.profiles360k import PROFILE_FILE, read_profiles
from cratedig.engine.errors import DataError

PLAYS_FILE = "usersha1-artmbid-artname-plays.tsv"
FILES = (PLAYS_FILE, PROFILE_FILE)
#: more plays of one artist than this by one listener is a counting error, not listening
MAX_PLAYS = 1_000_000
#: a file where more than this share of lines is unreadable is not this dataset (wrong file)
MAX_BAD_SHARE = 0.5
BLOCK_BYTES = 64 << 20
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


@dataclass
class RawPlays:
    """The plays file as codes: listener and (MBID, name) pair per row, and the distinct values."""

    listener: np.ndarray  # int32 index into listener_keys
    pair: np.ndarray  # int32 index into pair_mbid / pair_name
    plays: np.ndarray  # int64
    listener_keys: np.ndarray  # str
    pair_mbid: np.ndarray  # object: normalised MBID or ""
    pair_name: np.ndarray  # object: cleaned name


def _decode_block(raw: bytes, quirks: QuirkLog) -> str:
    text, fallbacks = decode_lines(raw)
    quirks.add("lines not UTF-8, read as Windows-1252", PLAYS_FILE, fallbacks)
    return text


def _blocks(path: Path):
    """(bytes of whole lines, whether this is the end of the file), BLOCK_BYTES at a time."""
    carry = b""
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(BLOCK_BYTES)
            if not chunk:
                if carry:
                    yield carry, True
                return
            data = carry + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            carry = data[cut + 1:]
            yield data[:cut + 1], False


def _clean_names(names: pd.Series, quirks: QuirkLog) -> pd.Series:
    control = names.str.contains(_CONTROL)
    quirks.add("artist names with control characters, replaced by spaces", PLAYS_FILE, int(control.sum()))
    if control.any():
        names = names.where(~control, names.str.replace(_CONTROL, " ", regex=True))
    return names.str.strip().str.replace(_SPACES, " ", regex=True)


def _split_lines(text: str, last: bool, quirks: QuirkLog) -> tuple[pd.DataFrame, int]:
    """The block's rows as a (user, mbid, name, plays-as-text) frame; odd lines repaired or dropped."""
    lines = pd.Series(text.split("\n"), dtype=object)
    ends_with_newline = text.endswith("\n")
    if ends_with_newline:
        lines = lines.iloc[:-1]
    tabs = lines.str.count("\t").to_numpy()
    blank = (lines.str.strip() == "").to_numpy().copy()
    quirks.add("blank lines skipped", PLAYS_FILE, int(blank.sum()))
    if last and not ends_with_newline and len(lines) and tabs[-1] < 3 and not blank[-1]:
        quirks.add("truncated last line dropped", PLAYS_FILE)
        blank[-1] = True
    short = (tabs < 3) & ~blank
    quirks.add("lines with fewer than 4 fields, dropped", PLAYS_FILE, int(short.sum()))
    normal = tabs == 3
    rows = pd.read_csv(io.StringIO("\n".join(lines[normal].tolist())), sep="\t", header=None,
                       names=["user", "mbid", "name", "plays"], dtype=str, quoting=csv.QUOTE_NONE,
                       na_filter=False, engine="c") if normal.any() else \
        pd.DataFrame({c: pd.Series([], dtype=object) for c in ("user", "mbid", "name", "plays")})
    long = tabs > 3
    if long.any():  # a tab inside the artist name: the first two and the last field are sure
        parts = lines[long].str.split("\t")
        extra = pd.DataFrame({"user": parts.str[0], "mbid": parts.str[1],
                              "name": parts.str[2:-1].str.join(" "), "plays": parts.str[-1]})
        quirks.add("artist names with a stray tab, rejoined", PLAYS_FILE, int(long.sum()))
        rows = pd.concat([rows, extra], ignore_index=True)
    return rows, int(short.sum())


def read_plays(directory: Path, quirks: QuirkLog) -> RawPlays:
    path = directory / PLAYS_FILE
    listener_codes, pair_codes, plays = [], [], []
    block_listeners, block_pairs = [], []  # distinct values per block, deduplicated at the end
    n_lines = n_bad = 0
    for raw, last in _iter_blocks(path):
        text = _decode_block(raw.removeprefix(b"\xef\xbb\xbf") if n_lines == 0 else raw, quirks)
        rows, short = _split_lines(text, last, quirks)
        n_lines += text.count("\n") + (0 if text.endswith("\n") else 1)
        count = pd.to_numeric(rows["plays"].str.strip(), errors="coerce").to_numpy(dtype=float)
        whole = np.isfinite(count) & (np.floor(np.nan_to_num(count)) == count) & (np.nan_to_num(count) >= 0)
        quirks.add("lines whose plays are not a whole number, dropped", PLAYS_FILE, int((~whole).sum()))
        n_bad += short + int((~whole).sum())
        zero = whole & (count == 0)
        quirks.add("plays of 0, dropped", PLAYS_FILE, int(zero.sum()))
        keep = whole & ~zero
        huge = keep & (count > MAX_PLAYS)
        quirks.add(f"plays above {MAX_PLAYS:,}, clipped", PLAYS_FILE, int(huge.sum()))
        users = rows["user"].to_numpy(dtype=object)[keep]
        no_user = pd.Series(users, dtype=object).str.strip() == ""
        quirks.add("lines without a listener id, dropped", PLAYS_FILE, int(no_user.sum()))
        keep_user = ~no_user.to_numpy()
        kept = np.flatnonzero(keep)[keep_user]
        codes, uniques = pd.factorize(pd.Series(users[keep_user], dtype=object).str.strip().str.lower())
        listener_codes.append(codes.astype(np.int32))
        block_listeners.append(np.asarray(uniques, dtype=object))
        pairs = rows["mbid"].iloc[kept].str.strip().str.lower() + "\t" + rows["name"].iloc[kept]
        codes, uniques = pd.factorize(pairs)
        pair_codes.append(codes.astype(np.int32))
        block_pairs.append(np.asarray(uniques, dtype=object))
        plays.append(np.minimum(count[kept], MAX_PLAYS).astype(np.int64))
    if n_lines and n_bad > MAX_BAD_SHARE * n_lines:
        raise DataError(path, f"{n_bad:,} of {n_lines:,} lines unreadable: is this "
                              f"{PLAYS_FILE} (user SHA-1, MBID, name, plays, tab-separated)?")
    listener, listener_keys = _merge_codes(listener_codes, block_listeners)
    pair, pair_keys = _merge_codes(pair_codes, block_pairs)
    split = pd.Series(pair_keys, dtype=object).str.split("\t", n=1)
    names = _clean_names(split.str[1].fillna(""), quirks)
    return RawPlays(listener, pair, np.concatenate(plays) if plays else np.zeros(0, np.int64),
                    listener_keys.astype(str), split.str[0].to_numpy(dtype=object), names.to_numpy(dtype=object))


def _iter_blocks(path: Path):
    try:
        if not path.is_file():
            raise DataError(path, "file not found (is this the lastfm-dataset-360K directory?)")
        yield from _blocks(path)
    except OSError as exc:
        raise DataError(path, f"cannot read file: {exc.strerror or exc}") from None


def _merge_codes(codes: list[np.ndarray], uniques: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-block factorisations joined into one: global codes (in sorted-key order) and the keys."""
    if not codes:
        return np.zeros(0, np.int32), np.zeros(0, dtype=object)
    everything = np.concatenate(uniques)
    global_codes, keys = pd.factorize(everything, sort=True)
    offsets = np.cumsum([0] + [len(u) for u in uniques])
    return (np.concatenate([global_codes[offsets[i] + c] for i, c in enumerate(codes)]).astype(np.int32),
            np.asarray(keys, dtype=object))


def normalised_name(names: pd.Series) -> pd.Series:
    return names.str.casefold().str.replace(_SPACES, " ", regex=True).str.strip()


@dataclass
class Artists:
    keys: np.ndarray  # sorted artist keys: an MBID or "name:" + normalised name
    names: np.ndarray  # canonical display name per artist
    of_pair: np.ndarray  # artist index of each (MBID, name) pair


def resolve_artists(raw: RawPlays, quirks: QuirkLog) -> Artists:
    """Which artist each (MBID, name) pair is, and each artist's canonical name (module docstring)."""
    mbid = pd.Series(raw.pair_mbid, dtype=object)
    valid = mbid.str.match(_MBID)
    quirks.add("malformed MBIDs, artist identified by name", PLAYS_FILE, int(((mbid != "") & ~valid).sum()))
    norm = normalised_name(pd.Series(raw.pair_name, dtype=object))
    rows_per_pair = np.bincount(raw.pair, minlength=len(mbid))
    with_mbid = pd.DataFrame({"norm": norm[valid], "mbid": mbid[valid]}).drop_duplicates()
    mbids_per_name = with_mbid.groupby("norm")["mbid"].agg(["nunique", "first"])
    quirks.add("names under several MBIDs, kept as several artists", PLAYS_FILE,
               int((mbids_per_name["nunique"] > 1).sum()))
    single = mbids_per_name.loc[mbids_per_name["nunique"] == 1, "first"]
    joined = norm.map(single)
    joins = ~valid & joined.notna() & (norm != "")
    quirks.add("rows without an MBID joined to the MBID of their name", PLAYS_FILE,
               int(rows_per_pair[joins.to_numpy()].sum()))
    key = np.where(valid, mbid, np.where(joins, joined, "name:" + norm)).astype(object)
    unnamed = (~valid & ~joins & (norm == "")).to_numpy()
    key[unnamed] = "name:"  # no MBID and no name: one "unknown artist"
    codes, keys = pd.factorize(pd.Series(key, dtype=object), sort=True)
    # Canonical name: the spelling on most rows of that artist (ties: the first in sorted order).
    spellings = pd.DataFrame({"artist": codes, "name": raw.pair_name, "rows": rows_per_pair})
    spellings = spellings[spellings["name"] != ""]
    per = spellings.groupby(["artist", "name"], sort=True)["rows"].sum().reset_index()
    several = per.groupby("artist")["name"].size()
    quirks.add("artists under several spellings, most common kept", PLAYS_FILE, int((several > 1).sum()))
    best = per.sort_values(["artist", "rows"], ascending=[True, False], kind="stable").drop_duplicates("artist")
    names = np.array([f"unknown artist {i + 1}" for i in range(len(keys))], dtype=object)
    names[best["artist"].to_numpy()] = best["name"].to_numpy(dtype=object)
    return Artists(np.asarray(keys, dtype=object), names, codes.astype(np.int32))


def load_lastfm360k(directory: Path) -> Dataset:
    """The Last.fm-360K directory as a Dataset: listeners keyed by SHA-1 (sorted), artists numbered
    1..n in the sorted order of their keys (the same file always gives the same numbers), no tags,
    no friends, profiles."""
    quirks = QuirkLog()
    raw = read_plays(directory, quirks)
    if not len(raw.plays):
        raise DataError(directory / PLAYS_FILE, "no usable plays left after validation")
    artists = resolve_artists(raw, quirks)
    artist = artists.of_pair[raw.pair]
    # Duplicate (listener, artist) rows are summed: both are plays (two spellings of one artist).
    keys = raw.listener.astype(np.int64) * len(artists.keys) + artist
    unique, inverse = np.unique(keys, return_inverse=True)
    quirks.add("duplicate listener-artist rows, plays summed", PLAYS_FILE, len(keys) - len(unique))
    weight = np.minimum(np.bincount(inverse, weights=raw.plays.astype(np.float64)), MAX_PLAYS)
    listener = (unique // len(artists.keys)).astype(np.int32)
    artist = (unique % len(artists.keys)).astype(np.int32)
    # Only listeners and artists with plays left count.
    used_listeners, listener = np.unique(listener, return_inverse=True)
    used_artists, artist = np.unique(artist, return_inverse=True)
    listener_ids = raw.listener_keys[used_listeners]
    profiles = read_profiles(directory, listener_ids, quirks)
    empty_int = np.zeros(0, dtype=np.int64)
    return Dataset(
        listener_ids=frozen(listener_ids.astype(str)),
        artist_ids=frozen(np.arange(1, len(used_artists) + 1, dtype=np.int64)),
        artist_names=frozen(artists.names[used_artists]),
        tag_ids=frozen(empty_int), tag_names=frozen(np.zeros(0, dtype=object)),
        plays=Plays(frozen(listener.astype(np.int32)), frozen(artist.astype(np.int32)), frozen(weight)),
        taggings=TagAssignments(*(frozen(empty_int.astype(t)) for t in (np.int32, np.int32, np.int32, np.int64))),
        friends=frozen(np.zeros((0, 2), dtype=np.int32)),
        quirks=tuple(quirks.as_rows()),
        source=str(directory.resolve()),
        kind=LASTFM_360K,
        profiles=profiles,
        artist_mbids=frozen(np.array([k if not k.startswith("name:") else "" for k in artists.keys[used_artists]],
                                      dtype=object)),
    )
