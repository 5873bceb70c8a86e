"""Artist search and name resolution on a hand-made catalogue (no real data needed)."""
from __future__ import annotations

import numpy as np
import pytest

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.serving.catalog import Catalog, and_alternatives
from cratedig.engine.serving.search import ArtistSearch, normalise
from tests.handmade import write_dataset

NAMES = ["Björk", "Motörhead", "AC/DC", "Guns N' Roses", "Simon & Garfunkel", "The Beatles", "Radiohead",
         "Sigur Rós", "Muse", "Museum Piece", "A", "Air", "Beatles Tribute"]
POPULARITY = np.array([50, 20, 40, 30, 25, 90, 80, 35, 70, 1, 5, 45, 2])


@pytest.fixture(scope="module")
def search():
    return ArtistSearch(np.array(NAMES, dtype=object), POPULARITY)


@pytest.mark.parametrize("query, expected", [
    ("bjork", "Björk"), ("BJÖRK", "Björk"), ("motorhead", "Motörhead"), ("acdc", "AC/DC"),
    ("guns n roses", "Guns N' Roses"), ("gunsnroses", "Guns N' Roses"), ("simon and garfunkel", "Simon & Garfunkel"),
    ("beatels", "The Beatles"), ("the beatles", "The Beatles"), ("radiohed", "Radiohead"), ("sigur ros", "Sigur Rós"),
    ("radio", "Radiohead"),
])
def test_search_forgives_case_accents_punctuation_typos_and_articles(search, query, expected):
    assert search.search(query, 3)[0].name == expected


def test_exact_names_come_before_longer_names_and_popularity_breaks_near_ties(search):
    assert [h.name for h in search.search("Muse", 2)] == ["Muse", "Museum Piece"]
    assert search.search("a", 1)[0].name == "A"
    hits = search.search("beatles", 2)
    assert [h.name for h in hits] == ["The Beatles", "Beatles Tribute"]


@pytest.mark.parametrize("query", ["", "!!!", "   ", "zzqqxx"])
def test_empty_punctuation_and_nonsense_queries_find_nothing(search, query):
    assert search.search(query, 5) == []


def test_normalise_folds_what_users_do_not_type():
    assert normalise("  Sigur   Rós & AC/DC  ") == "sigur ros and acdc"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    artists = list(enumerate(NAMES, start=1))
    plays = [(u, a, 10 + a) for u in (1, 2, 3) for a in range(1, len(NAMES) + 1, u)]
    directory = write_dataset(tmp_path_factory.mktemp("catalog"), artists, [(1, "rock")], plays)
    return Catalog(load_dataset(directory))


def test_a_phrase_with_and_is_one_artist_when_it_names_one_else_each_part(catalog):
    hits, unknown = catalog.resolve_phrases(["Simon and Garfunkel", "Björk and Muse", "nothing and nobody"])
    assert [catalog.name(h.artist) for h in hits] == ["Simon & Garfunkel", "Björk", "Muse"]
    assert unknown == ["nothing and nobody"]
    assert and_alternatives("Björk & Muse") == ["Björk", "Muse"] and and_alternatives("Muse") == []


def test_artists_resolve_by_last_fm_id_or_by_a_good_enough_name(catalog):
    assert catalog.name(catalog.resolve(7).artist) == "Radiohead"  # Last.FM id 7
    assert catalog.resolve(999) is None
    assert catalog.resolve("radiohed").name == "Radiohead"
    assert catalog.resolve("qqqqzz") is None
    assert catalog.search("\x1b[2JMuse\x07", 1)[0].name == "Muse"  # control characters dropped
