"""The immutable, typed Last.FM dataset: contiguous indices, maps back to original ids."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from engine.data import readers
from engine.data.features import interactions, normalised_weights
from engine.data.readers import QuirkLog
from engine.errors import DataError

# Last.fm started in 2002 and the dataset was published in May 2011: a tag dated outside that
# window is a data-entry error, kept as an assignment but with an unknown time (-1).
PLAUSIBLE_FROM = int(pd.Timestamp("2002-01-01", tz="UTC").timestamp())
PLAUSIBLE_UNTIL = int(pd.Timestamp("2012-01-01", tz="UTC").timestamp())
UNKNOWN_TIME = -1
#: the dataset kinds cratedig reads (`--dataset`), told apart by the files present
HETREC_2K, LASTFM_360K = "hetrec-2k", "lastfm-360k"
KINDS = (HETREC_2K, LASTFM_360K)


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class Plays:
    """Listener-artist play counts, one row per pair."""

    listener: np.ndarray  # int32 listener index
    artist: np.ndarray  # int32 artist index
    weight: np.ndarray  # float64 play count (> 0)

    def __len__(self) -> int:
        return len(self.listener)


@dataclass(frozen=True)
class TagAssignments:
    """Who tagged which artist with which tag, and when (unix seconds, -1 when unknown)."""

    listener: np.ndarray
    artist: np.ndarray
    tag: np.ndarray
    time: np.ndarray

    def __len__(self) -> int:
        return len(self.listener)


GENDERS = ("", "m", "f")  # code 0: unknown


@dataclass(frozen=True)
class Profiles:
    """Per listener (aligned with the listener index): what usersha1-profile.tsv says, or unknown."""

    gender: np.ndarray  # int8: 0 unknown, 1 m, 2 f
    age: np.ndarray  # int16, -1 unknown
    country: np.ndarray  # int16 index into `countries`, -1 unknown
    signup: np.ndarray  # int64 unix seconds, -1 unknown
    countries: np.ndarray  # object array of country names, sorted

    def describe(self, index: int) -> str:
        """'United Kingdom, 24, f' (unknown parts left out)."""
        parts = []
        if self.country[index] >= 0:
            parts.append(str(self.countries[self.country[index]]))
        if self.age[index] >= 0:
            parts.append(str(int(self.age[index])))
        if self.gender[index]:
            parts.append(GENDERS[self.gender[index]])
        return ", ".join(parts)


@dataclass(frozen=True)
class Dataset:
    """Everything cratedig knows about listeners, artists, plays, tags and friends."""

    listener_ids: np.ndarray  # original Last.FM user ids, sorted; index -> id
    artist_ids: np.ndarray  # original artist ids, sorted
    artist_names: np.ndarray  # object array of str, aligned with artist_ids
    tag_ids: np.ndarray
    tag_names: np.ndarray
    plays: Plays
    taggings: TagAssignments
    friends: np.ndarray  # int32 (n, 2) listener index pairs
    quirks: tuple[tuple[str, str, int], ...] = ()
    source: str = ""
    kind: str = HETREC_2K
    profiles: Profiles | None = None  # Last.fm-360K's listener profiles; None for HetRec
    #: each artist's MusicBrainz id, "" where it has none (Last.fm-360K); None when the data has none
    artist_mbids: np.ndarray | None = None
    #: each artist's Last.fm page as artists.dat gives it (HetRec); None when the data has none
    artist_urls: np.ndarray | None = None

    @property
    def has_tags(self) -> bool:
        """Whether genres can be told: some artist was tagged (never on Last.fm-360K)."""
        return len(self.taggings) > 0

    @property
    def n_listeners(self) -> int:
        return len(self.listener_ids)

    @property
    def n_artists(self) -> int:
        return len(self.artist_ids)

    @property
    def n_tags(self) -> int:
        return len(self.tag_ids)

    def listener_index(self, listener_id: int | str) -> int | None:
        """Index of an original listener id (a number on HetRec, a SHA-1 string on Last.fm-360K), or
        None when unknown."""
        if self.listener_ids.dtype.kind == "U":
            key = str(listener_id).strip().lower()
            i = int(np.searchsorted(self.listener_ids, key))
            return i if i < len(self.listener_ids) and self.listener_ids[i] == key else None
        return _index_of(self.listener_ids, listener_id)

    def listeners_with_prefix(self, prefix: str, limit: int = 10) -> np.ndarray:
        """Indices of the string listener ids starting with `prefix` (at most `limit`); none on HetRec."""
        key = str(prefix).strip().lower()
        if self.listener_ids.dtype.kind != "U" or not key:
            return np.zeros(0, dtype=np.int64)
        start = int(np.searchsorted(self.listener_ids, key, side="left"))
        stop = int(np.searchsorted(self.listener_ids, key + "\uffff", side="left"))
        return np.arange(start, min(stop, start + limit))

    def listener_id(self, index: int) -> int | str:
        """The original id of listener `index`, as a Python int or str."""
        value = self.listener_ids[index]
        return str(value) if self.listener_ids.dtype.kind == "U" else int(value)

    def artist_index(self, artist_id: int) -> int | None:
        """Index of an original artist id, or None when unknown."""
        return _index_of(self.artist_ids, artist_id)

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the content that models are trained on (not of file paths)."""
        digest = hashlib.sha256()
        for array in (self.listener_ids, self.artist_ids, self.tag_ids, self.plays.listener,
                      self.plays.artist, self.plays.weight, self.taggings.listener,
                      self.taggings.artist, self.taggings.tag, self.taggings.time):
            digest.update(np.ascontiguousarray(array).tobytes())
        digest.update("\x00".join(self.artist_names.tolist()).encode("utf-8", "surrogatepass"))
        digest.update("\x00".join(self.tag_names.tolist()).encode("utf-8", "surrogatepass"))
        if self.profiles is not None:
            for array in (self.profiles.gender, self.profiles.age, self.profiles.country, self.profiles.signup):
                digest.update(np.ascontiguousarray(array).tobytes())
            digest.update("\x00".join(self.profiles.countries.tolist()).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:16]

    @cached_property
    def history(self) -> sp.csr_matrix:
        """Listener x artist matrix of per-listener L2-normalised play weights: every model reads a
        listener's history from it. Built once per dataset (a split's training part is its own)."""
        return interactions(self, normalised_weights(self))

    def with_plays(self, keep: np.ndarray) -> "Dataset":
        """A copy that keeps only the plays where `keep` is true, and drops the tag assignments of
        the removed (listener, artist) pairs so held-out pairs cannot leak through tags."""
        keep = np.asarray(keep, dtype=bool)
        tag_keep = np.ones(len(self.taggings.listener), dtype=bool)
        if len(tag_keep):  # no tags (Last.fm-360K): skip sorting millions of removed pairs
            removed = _pair_keys(self.plays.listener[~keep], self.plays.artist[~keep], self.n_artists)
            tag_keep = ~np.isin(_pair_keys(self.taggings.listener, self.taggings.artist, self.n_artists), removed)
        plays = Plays(*(_frozen(a[keep]) for a in (self.plays.listener, self.plays.artist, self.plays.weight)))
        taggings = TagAssignments(*(_frozen(a[tag_keep]) for a in (
            self.taggings.listener, self.taggings.artist, self.taggings.tag, self.taggings.time)))
        return replace(self, plays=plays, taggings=taggings)


def _index_of(sorted_ids: np.ndarray, value: int) -> int | None:
    try:
        value = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not -(2**63) <= value < 2**63:
        return None
    i = int(np.searchsorted(sorted_ids, value))
    return i if i < len(sorted_ids) and sorted_ids[i] == value else None


def _pair_keys(listener: np.ndarray, artist: np.ndarray, n_artists: int) -> np.ndarray:
    return listener.astype(np.int64) * n_artists + artist.astype(np.int64)


def _dedupe(frame: pd.DataFrame, keys: list[str], quirks: QuirkLog, code: str, file: str) -> pd.DataFrame:
    dup = frame.duplicated(keys, keep="first").to_numpy()
    quirks.add(code, file, int(dup.sum()))
    return frame[~dup]


def _known(frame: pd.DataFrame, column: str, ids: np.ndarray, quirks: QuirkLog, what: str,
           file: str) -> pd.DataFrame:
    ok = np.isin(frame[column].to_numpy(), ids)
    quirks.add(f"rows referencing {what} ids missing elsewhere, dropped", file, int((~ok).sum()))
    return frame[ok]


def _tag_times(taggings: pd.DataFrame, timestamps: pd.DataFrame | None, quirks: QuirkLog) -> np.ndarray:
    """Unix seconds per assignment: the timestamps file when present, else day/month/year."""
    name = readers.TAGGINGS.name
    if timestamps is not None:
        stamps = timestamps.drop_duplicates(["userID", "artistID", "tagID"])
        merged = taggings[["userID", "artistID", "tagID"]].merge(
            stamps[["userID", "artistID", "tagID", "timestamp"]], how="left",
            on=["userID", "artistID", "tagID"])
        millis = merged["timestamp"].to_numpy(dtype="float64")
        seconds = np.where(np.isnan(millis), np.nan, np.floor(millis / 1000.0))
    else:
        dates = pd.to_datetime(
            pd.DataFrame({"year": taggings["year"], "month": taggings["month"], "day": taggings["day"]}),
            errors="coerce", utc=True)
        epoch = pd.Timestamp("1970-01-01", tz="UTC")
        seconds = ((dates - epoch) / pd.Timedelta(seconds=1)).to_numpy(dtype="float64", na_value=np.nan)
    plausible = (seconds >= PLAUSIBLE_FROM) & (seconds < PLAUSIBLE_UNTIL)
    quirks.add("tag dates implausible (before 2002 or after 2011), time set unknown", name,
               int((~plausible).sum()))
    return np.where(plausible, seconds, UNKNOWN_TIME).astype(np.int64)


def dataset_kind(directory: Path) -> str:
    """Which dataset a directory holds, from the files present (HetRec when neither is there, so
    that the error names HetRec's files)."""
    from engine.data.lastfm360k import PLAYS_FILE

    try:
        if (directory / PLAYS_FILE).is_file() and not (directory / readers.PLAYS.name).is_file():
            return LASTFM_360K
    except OSError:
        pass
    return HETREC_2K


def load_dataset(directory: str | Path, kind: str | None = None) -> Dataset:
    """Load and validate a dataset directory of `kind` (default: told from its files). Raises
    DataError on a fatal problem."""
    directory = Path(directory)
    try:
        found = directory.is_dir()
    except OSError as exc:
        raise DataError(directory, f"cannot open the dataset directory: {exc.strerror or exc}") from None
    if not found:
        raise DataError(directory, "dataset directory not found (run `cratedig fetch` or pass --data DIR)")
    kind = kind or dataset_kind(directory)
    if kind == LASTFM_360K:  # minutes to parse at full size: read from its parsed copy when it has one
        from engine.data.lastfm360k import FILES, load_lastfm360k
        from engine.data.parsed import load_with_parsed_copy

        return load_with_parsed_copy(directory, FILES, load_lastfm360k)
    if kind != HETREC_2K:
        raise DataError(directory, f"unknown dataset kind {kind!r}: expected one of {', '.join(KINDS)}")
    return _load_hetrec(directory)


def _load_hetrec(directory: Path) -> Dataset:
    quirks = QuirkLog()
    tables = {spec.name: readers.read_table(directory, spec, quirks) for spec in readers.ALL_FILES}

    artists = _dedupe(tables[readers.ARTISTS.name], ["id"], quirks, "duplicate artist ids, first kept",
                      readers.ARTISTS.name).sort_values("id")
    names = artists["name"].str.strip()
    lower = names.str.casefold()
    quirks.add("artist names that collide ignoring case", readers.ARTISTS.name,
               int(lower.duplicated(keep=False).sum()))
    quirks.add("artists with an empty name", readers.ARTISTS.name, int((names == "").sum()))
    names = names.where(names != "", "artist " + artists["id"].astype(str))
    artist_ids = artists["id"].to_numpy(np.int64)

    tags = _dedupe(tables[readers.TAGS.name], ["tagID"], quirks, "duplicate tag ids, first kept",
                   readers.TAGS.name).sort_values("tagID")
    tag_ids = tags["tagID"].to_numpy(np.int64)

    plays = tables[readers.PLAYS.name]
    positive = plays["weight"].to_numpy() > 0
    quirks.add("plays with zero or negative weight, dropped", readers.PLAYS.name, int((~positive).sum()))
    plays = plays[positive]
    plays = _dedupe(plays, ["userID", "artistID"], quirks, "duplicate listener-artist rows, first kept",
                    readers.PLAYS.name)
    plays = _known(plays, "artistID", artist_ids, quirks, "artist", readers.PLAYS.name)
    if plays.empty:
        raise DataError(directory / readers.PLAYS.name, "no usable plays left after validation")
    listener_ids = np.unique(plays["userID"].to_numpy(np.int64))

    taggings = tables[readers.TAGGINGS.name]
    taggings = _dedupe(taggings, ["userID", "artistID", "tagID"], quirks,
                       "duplicate tag assignments, first kept", readers.TAGGINGS.name)
    taggings = _known(taggings, "artistID", artist_ids, quirks, "artist", readers.TAGGINGS.name)
    taggings = _known(taggings, "tagID", tag_ids, quirks, "tag", readers.TAGGINGS.name)
    taggings = _known(taggings, "userID", listener_ids, quirks, "listener", readers.TAGGINGS.name)
    times = _tag_times(taggings, tables[readers.TAGGING_TIMES.name], quirks)
    quirks.add("optional file absent, times from day/month/year", readers.TAGGING_TIMES.name,
               int(tables[readers.TAGGING_TIMES.name] is None))

    friends = tables[readers.FRIENDS.name]
    if friends is None:
        friend_pairs = np.zeros((0, 2), dtype=np.int32)
    else:
        friends = _dedupe(friends, ["userID", "friendID"], quirks, "duplicate friend pairs, first kept",
                          readers.FRIENDS.name)
        friends = _known(friends, "userID", listener_ids, quirks, "listener", readers.FRIENDS.name)
        friends = _known(friends, "friendID", listener_ids, quirks, "listener", readers.FRIENDS.name)
        friend_pairs = np.stack([np.searchsorted(listener_ids, friends["userID"].to_numpy()),
                                 np.searchsorted(listener_ids, friends["friendID"].to_numpy())], axis=1)

    def idx(ids: np.ndarray, values: pd.Series) -> np.ndarray:
        return _frozen(np.searchsorted(ids, values.to_numpy(np.int64)).astype(np.int32))

    return Dataset(
        listener_ids=_frozen(listener_ids),
        artist_ids=_frozen(artist_ids),
        artist_names=_frozen(names.to_numpy(dtype=object)),
        tag_ids=_frozen(tag_ids),
        tag_names=_frozen(tags["tagValue"].str.strip().to_numpy(dtype=object)),
        plays=Plays(idx(listener_ids, plays["userID"]), idx(artist_ids, plays["artistID"]),
                    _frozen(plays["weight"].to_numpy(np.float64))),
        taggings=TagAssignments(idx(listener_ids, taggings["userID"]), idx(artist_ids, taggings["artistID"]),
                                idx(tag_ids, taggings["tagID"]), _frozen(times)),
        friends=_frozen(friend_pairs.astype(np.int32)),
        quirks=tuple(quirks.as_rows()),
        source=str(directory.resolve()),
        artist_urls=_frozen(artists["url"].fillna("").astype(str).str.strip().to_numpy(dtype=object)),
    )
