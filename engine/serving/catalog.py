"""The catalogue of one dataset: artist names, genres, tags and popularity, search and name
resolution, and summaries of listeners and artists. Each memo here is keyed by the dataset, so it
lives on the Catalog built for that dataset."""
from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import quote_plus
from typing import Sequence

import numpy as np
from rapidfuzz import process

from cratedig.engine.data.types import Dataset
from cratedig.engine.data.features import NO_TAGS, ArtistTags, artist_genres, artist_popularity, artist_tags
from cratedig.engine.errors import UsageError
from cratedig.engine.serving.matching import NameMatcher
from cratedig.engine.serving.results import ArtistHit, ArtistSummary, ListenerSummary
from cratedig.engine.serving.search import ArtistSearch, SearchHit, normalise

#: search hits offered as "did you mean" score at least this
DID_YOU_MEAN_SCORE = 60
#: a longer name is cut to this before matching
MAX_NAME_CHARS = 500
#: a phrase with "and" matching at least this well is one artist ("Simon and Garfunkel")
WHOLE_PHRASE_SCORE = 95
#: how many of an artist's most applied tags decide its genre families
FAMILY_TAGS = 3
#: a word counts as a genre when at least this many artists have it as their top tag
GENRE_ARTISTS = 5
#: the year each dataset's listening ends: artists who came later cannot be in its catalogue
CATALOGUE_ENDS = {"hetrec-2k": 2011, "lastfm-360k": 2009}
NO_GENRES = ("this dataset has no tags, so there are no genres to go by "
             "(neighbours are the models' embedding neighbours only)")
_AND = re.compile(r"\s+(?:and|&|n)\s+", re.IGNORECASE)


def and_alternatives(phrase: str) -> list[str]:
    """'Sigur Rós and Muse' -> ['Sigur Rós', 'Muse'] (empty when there is no 'and' to split)."""
    parts = [p.strip(" '\"") for p in _AND.split(phrase)]
    return [p for p in parts if p] if len(parts) > 1 else []


def _printable_only(text: str, limit: int) -> str:
    """The first `limit` characters of `text` without its control characters."""
    return "".join(ch for ch in text[:limit] if ch.isprintable())


def _holds(tag: list[str], words: list[str]) -> bool:
    """Whether the words of `words` appear in a row in the tag's words."""
    n = len(words)
    return any(tag[i:i + n] == words for i in range(len(tag) - n + 1))


class Catalog:
    """Names, genres, tags and search over one dataset's artists and listeners."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self._families: dict[str, np.ndarray] = {}  # genre word -> artists of that family

    @cached_property
    def genres(self) -> np.ndarray:
        """Each artist's genre; "" for every artist when the dataset has no tags (Last.fm-360K):
        front ends leave a genre column out when no row has one."""
        if not self.dataset.has_tags:
            return np.full(self.dataset.n_artists, "", dtype=object)
        return artist_genres(self.dataset)

    def check_genres(self) -> None:
        """A UsageError saying so when this dataset has no genres to steer by."""
        if not self.dataset.has_tags:
            raise UsageError(NO_GENRES)

    @cached_property
    def popularity(self) -> np.ndarray:
        return artist_popularity(self.dataset)

    @cached_property
    def tags(self) -> ArtistTags:
        """Every artist's tags, most applied first (built once; the artist view asks often)."""
        return artist_tags(self.dataset, min_count=1)

    @cached_property
    def searcher(self) -> ArtistSearch:
        return ArtistSearch(self.dataset.artist_names, self.popularity)

    def name(self, index: int) -> str:
        return str(self.dataset.artist_names[index])

    def artist_id(self, index: int) -> int:
        return int(self.dataset.artist_ids[index])

    def hit(self, found: SearchHit) -> ArtistHit:
        return ArtistHit(self.artist_id(found.artist), found.name, found.score, self.url(found.artist),
                         self.mbid(found.artist))

    def mbid(self, index: int) -> str:
        """The artist's MusicBrainz id, or "" (HetRec has none)."""
        mbids = self.dataset.artist_mbids
        return "" if mbids is None else str(mbids[index])

    @property
    def catalogue_ends(self) -> int:
        """The year this dataset's listening ends (HetRec 2011, Last.fm-360K 2009)."""
        return CATALOGUE_ENDS.get(self.dataset.kind, 2011)

    @cached_property
    def matcher(self) -> NameMatcher:
        """Confident matching of names from outside (engine.serving.matching)."""
        return NameMatcher(self.dataset.artist_names, self.popularity, self.dataset.artist_mbids,
                           urls=self.dataset.artist_urls)

    def url(self, index: int) -> str:
        """The artist's page on Last.fm (quoted once per artist, when first asked for)."""
        found = self._urls.get(index)
        if found is None:
            found = self._urls[index] = "https://www.last.fm/music/" + quote_plus(self.name(index))
        return found

    @cached_property
    def _urls(self) -> dict[int, str]:
        return {}

    def artist_tags(self, index: int, top: int = 8) -> list[str]:
        return [str(self.dataset.tag_names[t]) for t in self.tags.of(index)[:top]]

    # -- search and resolution ----------------------------------------------------------------
    def search(self, query: str, limit: int = 5) -> list[SearchHit]:
        # Control characters are dropped; an enormous query is cut (to 200 chars) by the index.
        return self.searcher.search(_printable_only(query, 10_000), limit)

    def resolve(self, ref: str | int) -> SearchHit | None:
        """An artist by Last.FM id (int), or by name when the name matches confidently
        (engine.serving.matching: exact, normalised, cut at "feat.", or a clear typo); else None.
        A name the catalogue lacks is never swapped for the closest other artist."""
        if isinstance(ref, (int, np.integer)) and not isinstance(ref, bool):
            index = self.dataset.artist_index(int(ref))
            return None if index is None else SearchHit(index, self.name(index), 100.0)
        found = self.matcher.match(_printable_only(str(ref), MAX_NAME_CHARS))
        return SearchHit(found.artist, self.name(found.artist), found.score) if found.found else None

    def did_you_mean(self, name: str, limit: int = 3) -> list[SearchHit]:
        """Artists a name that matched none may have meant (the search's best, for the user to pick)."""
        found = [h for h in self.search(name, limit) if h.score >= DID_YOU_MEAN_SCORE]
        for part in and_alternatives(name) if not found else ():  # "Jamie xx and Kiasmos": the parts
            found = [h for h in self.search(part, limit) if h.score >= DID_YOU_MEAN_SCORE]
            if found:
                break
        return found

    def resolve_phrases(self, phrases: Sequence[str | int]) -> tuple[list[SearchHit], list[str]]:
        """Resolve artist references; a phrase with 'and' that is not itself a good match
        ('Björk and Muse', unlike 'Simon and Garfunkel') is split and each part resolved."""
        hits, unknown = [], []
        for phrase in phrases:
            hit = self.resolve(phrase)
            parts = [] if isinstance(phrase, int) else and_alternatives(str(phrase))
            if parts and (hit is None or hit.score < WHOLE_PHRASE_SCORE):
                part_hits = [self.resolve(p) for p in parts]
                if all(h is not None for h in part_hits):
                    hits.extend(part_hits)
                    continue
            (hits.append(hit) if hit is not None else unknown.append(str(phrase)))
        return hits, unknown

    # -- genres -------------------------------------------------------------------------------
    def genre_family(self, word: str) -> np.ndarray:
        """Artists whose tag profile marks them as `word`: one of their FAMILY_TAGS most applied tags
        holds it as a word ("rock" -> rock, classic rock, indie rock, punk rock; not rockabilly)."""
        self.check_genres()
        words = normalise(word).split()
        if not words:
            return np.zeros(self.dataset.n_artists, dtype=bool)
        key = " ".join(words)
        if key not in self._families:
            matching = np.array([_holds(tag, words) for tag in self._tag_words] + [False], dtype=bool)
            tags = self.tags
            place = np.arange(len(tags.tags)) - np.repeat(tags.indptr[:-1], np.diff(tags.indptr))
            hit = matching[tags.tags] & (place < FAMILY_TAGS)
            artist = np.repeat(np.arange(self.dataset.n_artists), np.diff(tags.indptr))
            family = np.bincount(artist[hit], minlength=self.dataset.n_artists) > 0
            family.setflags(write=False)  # shared by every request that names this genre
            self._families[key] = family
        return self._families[key]

    @cached_property
    def _tag_words(self) -> list[list[str]]:
        return [normalise(str(t)).split() for t in self.dataset.tag_names]

    def is_genre(self, phrase: str) -> bool:
        """Whether `phrase` names a genre (the top tag of at least GENRE_ARTISTS artists, ignoring
        case and punctuation) rather than an artist: "rock" and "hip hop" are, "muse" is not."""
        return normalise(phrase) in self._genre_keys

    @cached_property
    def _genre_keys(self) -> set[str]:
        names, counts = np.unique(self.genres.astype(str), return_counts=True)
        return {normalise(n) for n, c in zip(names, counts) if c >= GENRE_ARTISTS and n not in (NO_TAGS, "")}

    def genre_names(self) -> list[str]:
        """Genres that at least one artist has, most common first."""
        names, counts = np.unique(self.genres.astype(str), return_counts=True)
        order = np.argsort(-counts, kind="stable")
        return [str(names[i]) for i in order if names[i] not in (NO_TAGS, "")]

    def genre_seed(self, genre: str, n: int = 8) -> tuple[str, list[int]]:
        """The genre best matching `genre` and the Last.FM ids of its n most played artists."""
        self.check_genres()
        known = self.genre_names()
        match = process.extractOne(genre, known, processor=normalise, score_cutoff=70)
        if match is None:
            raise UsageError(f"no genre matches {genre!r}; try one of {', '.join(known[:8])}")
        name = match[0]
        members = np.flatnonzero(self.genres.astype(str) == name)
        top = members[np.argsort(-self.popularity[members], kind="stable")][:n]
        return name, [self.artist_id(a) for a in top]

    # -- summaries ----------------------------------------------------------------------------
    def listener_summary(self, index: int, top: int = 5) -> ListenerSummary:
        row = self.dataset.history[index]
        artists = row.indices[np.argsort(-row.data)]
        counts: dict[str, int] = {}
        for g in self.genres[artists]:
            if g != NO_TAGS:
                counts[g] = counts.get(g, 0) + 1
        profiles = self.dataset.profiles
        return ListenerSummary(self.dataset.listener_id(index), len(artists),
                               [self.name(a) for a in artists[:top]],
                               sorted(counts, key=lambda g: -counts[g])[:3],
                               "" if profiles is None else profiles.describe(index))

    def artist_summary(self, index: int, top_listeners: int = 5) -> ArtistSummary:
        """Listeners, plays, tags and the listeners who play it most."""
        plays = self.dataset.plays
        mask = plays.artist == index
        listeners, weights = plays.listener[mask], plays.weight[mask]
        order = np.argsort(-weights, kind="stable")[:top_listeners]
        return ArtistSummary(self.artist_id(index), self.name(index), str(self.genres[index]), int(mask.sum()),
                             int(weights.sum()), self.artist_tags(index),
                             [(self.dataset.listener_id(listeners[i]), int(weights[i])) for i in order],
                             self.url(index))
