"""The immutable, typed dataset every reader fills (HetRec's, Last.fm-360K's, a parsed copy's):
contiguous indices, maps back to original ids. Reads no file."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import scipy.sparse as sp


UNKNOWN_TIME = -1  # a tag assignment whose time is not known
#: the dataset kinds cratedig reads (`--dataset`), told apart by the files present
HETREC_2K, LASTFM_360K = "hetrec-2k", "lastfm-360k"
KINDS = (HETREC_2K, LASTFM_360K)


def frozen(array: np.ndarray) -> np.ndarray:
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
        plays = Plays(*(frozen(a[keep]) for a in (self.plays.listener, self.plays.artist, self.plays.weight)))
        taggings = TagAssignments(*(frozen(a[tag_keep]) for a in (
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


def normalised_weights(dataset: Dataset) -> np.ndarray:
    """Each play's weight divided by the L2 norm of its listener's weights (the seed's target)."""
    plays = dataset.plays
    sq_norm = np.bincount(plays.listener, weights=plays.weight**2, minlength=dataset.n_listeners)
    return plays.weight / np.sqrt(sq_norm[plays.listener])


def interactions(dataset: Dataset, values: np.ndarray | None = None) -> sp.csr_matrix:
    """Listener x artist CSR matrix of `values` (1.0 for every play by default)."""
    plays = dataset.plays
    data = np.ones(len(plays), dtype=np.float32) if values is None else values.astype(np.float32)
    return sp.csr_matrix((data, (plays.listener, plays.artist)),
                         shape=(dataset.n_listeners, dataset.n_artists))
