"""Names from outside match the catalogue confidently or not at all."""
from __future__ import annotations

import numpy as np
import pytest

from cratedig.engine.serving.matching import FUZZY_RULE, NameMatcher

NAMES = np.array(["The Beatles", "Björk", "Simon & Garfunkel", "Radiohead", "Lordi", "Nirvana", "Nirvana",
                  "Disclose", "Guns N' Roses", "Metallica", "Metalloca"], dtype=object)
POPULARITY = np.array([90, 50, 30, 80, 10, 70, 5, 3, 40, 60, 1])
MBIDS = np.array([""] * 10 + ["a74b1b7f-71a5-4011-9441-d0b5e4122711"], dtype=object)


@pytest.fixture(scope="module")
def matcher():
    return NameMatcher(NAMES, POPULARITY, MBIDS)


def matched(matcher, name, mbid=""):
    found = matcher.match(name, mbid)
    return (str(NAMES[found.artist]) if found.found else None), found.how


@pytest.mark.parametrize("name, expected", [
    ("The Beatles", ("The Beatles", "exact")),
    ("beatles, the", ("The Beatles", "normalised")),
    ("Beatles", ("The Beatles", "normalised")),
    ("BJORK", ("Björk", "normalised")),
    ("Simon and Garfunkel", ("Simon & Garfunkel", "normalised")),
    ("Simon + Garfunkel", ("Simon & Garfunkel", "normalised")),
    ("Guns N Roses", ("Guns N' Roses", "normalised")),
    ("Radiohead feat. Someone", ("Radiohead", "cut")),
    ("Radiohead (Live)", ("Radiohead", "cut")),
    ("Radiohed", ("Radiohead", "fuzzy")),
])
def test_names_people_write_resolve(matcher, name, expected):
    assert matched(matcher, name) == expected


@pytest.mark.parametrize("name", ["Lorde", "Disclosure", "Jamie xx", "Kiasmos", "Radio", ""])
def test_a_name_the_catalogue_lacks_is_not_swapped_for_another(matcher, name):
    assert matched(matcher, name) == (None, "")


def test_two_catalogue_names_equally_close_are_not_guessed(matcher):
    assert matched(matcher, "Metallaca") == (None, "")  # one edit from Metallica and from Metalloca


def test_a_name_two_artists_share_goes_to_the_more_played_and_says_so(matcher):
    found = matcher.match("Nirvana")
    assert (found.artist, found.how, found.others) == (5, "ambiguous", (6,))


def test_an_mbid_wins_over_the_name(matcher):
    assert matched(matcher, "Radiohead", "a74b1b7f-71a5-4011-9441-d0b5e4122711") == ("Metalloca", "mbid")


def test_short_names_allow_no_typo():
    assert FUZZY_RULE.edits(5) == 0 and FUZZY_RULE.edits(8) == 1 and FUZZY_RULE.edits(14) == 2


@pytest.mark.realdata
def test_labelled_queries_resolve_with_no_wrong_artist(real_dataset):
    """The labelled set (tests/engine/serving/name_queries.tsv): typos of catalogue names must
    resolve, artists absent from the 2011 catalogue must not; bench/name_matching.py reports it."""
    from bench.name_matching import labelled, scores
    from cratedig.engine.serving.catalog import Catalog

    queries = labelled()
    assert len(queries) >= 100 and sum(e is None for _, e in queries) >= 50
    result = scores(Catalog(real_dataset).matcher, real_dataset.artist_names, queries)
    assert result["wrong"] == 0
    assert result["recall"] >= 0.95


def test_a_lastfm_page_url_matches_the_catalogue_url_column():
    urls = np.array([f"http://www.last.fm/music/{n.replace(' ', '+')}" for n in NAMES.tolist()], dtype=object)
    matcher = NameMatcher(NAMES, POPULARITY, urls=urls)
    found = matcher.match("Radiohead (the band from Oxford)", url="https://www.last.fm/music/Radiohead/_/Creep")
    assert (str(NAMES[found.artist]), found.how) == ("Radiohead", "url")
    assert not matcher.match("Someone Else", url="https://www.last.fm/music/Someone+Else/_/x").found


def test_an_import_matches_by_page_url_on_hetrec_data(small_engine, tmp_path):
    import json

    from cratedig.engine.data.listens import read_history
    from cratedig.engine.serving.histories import match_names

    name = str(small_engine.dataset.artist_names[4])
    page = {"recenttracks": {"track": [{"artist": {"mbid": "", "#text": "A Spelling Nobody Uses"}, "name": "t",
                                        "url": f"https://www.last.fm/music/{name.replace(' ', '+')}/_/t",
                                        "date": {"uts": "1300000000"}}]}}
    (tmp_path / "page.json").write_text(json.dumps(page))
    matches = match_names(read_history([tmp_path / "page.json"]), small_engine.catalog)
    assert matches.how == ["url"] and matches.artist_id.tolist() == [int(small_engine.dataset.artist_ids[4])]
