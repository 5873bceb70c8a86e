"""Features derived from a Dataset, all vectorised: normalised weights, genres, tag profiles."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cratedig.engine.data.types import Dataset, interactions, normalised_weights

__all__ = ["interactions", "normalised_weights", "artist_tag_counts", "listener_tag_profile", "artist_tags",
           "artist_genre_index", "artist_genres", "artist_popularity", "ArtistTags", "NO_TAGS"]

NO_TAGS = "No Tags"
GENRE_MIN_COUNT = 3


def _counts(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """How many times each (row, col) pair occurs, as a CSR matrix."""
    counts = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)
    counts.sum_duplicates()
    return counts


def artist_tag_counts(dataset: Dataset) -> sp.csr_matrix:
    """Artist x tag matrix: how many times each tag was applied to each artist."""
    t = dataset.taggings
    return _counts(t.artist, t.tag, (dataset.n_artists, dataset.n_tags))


def listener_tag_profile(dataset: Dataset) -> sp.csr_matrix:
    """Listener x tag matrix: how many times each listener applied each tag."""
    t = dataset.taggings
    return _counts(t.listener, t.tag, (dataset.n_listeners, dataset.n_tags))


@dataclass(frozen=True)
class ArtistTags:
    """Each artist's tags applied at least GENRE_MIN_COUNT times, most applied first."""

    indptr: np.ndarray  # CSR-style: tags of artist a are tags[indptr[a]:indptr[a+1]]
    tags: np.ndarray
    counts: np.ndarray

    def of(self, artist: int) -> np.ndarray:
        return self.tags[self.indptr[artist]:self.indptr[artist + 1]]


def artist_tags(dataset: Dataset, min_count: int = GENRE_MIN_COUNT) -> ArtistTags:
    """Tag lists ordered by count (ties: lower tag index first)."""
    counts = artist_tag_counts(dataset).tocoo()
    keep = counts.data >= min_count
    artist, tag, count = counts.row[keep], counts.col[keep], counts.data[keep]
    order = np.lexsort((tag, -count, artist))
    artist, tag, count = artist[order], tag[order], count[order]
    indptr = np.zeros(dataset.n_artists + 1, dtype=np.int64)
    np.cumsum(np.bincount(artist, minlength=dataset.n_artists), out=indptr[1:])
    return ArtistTags(indptr, tag.astype(np.int32), count.astype(np.int32))


def artist_genre_index(dataset: Dataset, tags: ArtistTags | None = None) -> np.ndarray:
    """Each artist's genre as a tag index (its most applied tag with >= 3 uses), or -1 for none."""
    tags = tags or artist_tags(dataset)
    has = np.diff(tags.indptr) > 0
    genre = np.full(dataset.n_artists, -1, dtype=np.int32)
    genre[has] = tags.tags[tags.indptr[:-1][has]]
    return genre


def artist_genres(dataset: Dataset) -> np.ndarray:
    """Each artist's genre name ("No Tags" when no tag was applied at least 3 times)."""
    genre = artist_genre_index(dataset)
    names = np.append(dataset.tag_names, NO_TAGS).astype(object)
    return names[np.where(genre >= 0, genre, len(names) - 1)]


def artist_popularity(dataset: Dataset) -> np.ndarray:
    """Number of listeners per artist."""
    return np.bincount(dataset.plays.artist, minlength=dataset.n_artists)
