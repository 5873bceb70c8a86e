"""Handing suggestions on: Lidarr's Custom List and XSPF playlists; 360K data keeps its MBIDs."""
from __future__ import annotations

import json

import pytest

from cratedig.engine.chat import export
from cratedig.engine.errors import UsageError
from cratedig.engine.serving.results import Recommendations, Suggestion

MBID = "a74b1b7f-71a5-4011-9441-d0b5e4122711"


def suggestion(name: str, mbid: str) -> Suggestion:
    return Suggestion(1, name, "", 0.5, 0.4, 1, 1, {}, "because", None, "https://www.last.fm/music/x", mbid)


def test_lidarr_list_holds_the_mbids_and_counts_the_rest():
    found = Recommendations("mf", True, [suggestion("A", MBID), suggestion("B", "")], has_mbids=True)
    text, missing = export.as_lidarr(found)
    assert json.loads(text) == [{"MusicBrainzId": MBID}] and missing == 1


def test_lidarr_list_on_data_without_mbids_says_why():
    with pytest.raises(UsageError, match="MusicBrainz id"):
        export.as_lidarr(Recommendations("mf", True, [suggestion("A", "")]))


def test_xspf_escapes_names_and_links_musicbrainz_where_known():
    text = export.as_xspf(Recommendations("mf", True, [suggestion("AC<DC> & \x1b[31m", MBID)]), "for <me>")
    assert "<creator>AC&lt;DC&gt; &amp; \\x1b[31m</creator>" in text and "\x1b" not in text
    assert f"<info>https://musicbrainz.org/artist/{MBID}</info>" in text and "<title>for &lt;me&gt;</title>" in text


def test_lastfm360k_artists_keep_their_mbids_for_matching(tmp_path):
    from cratedig.engine.api import write_synthetic
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.serving.catalog import Catalog

    data = load_dataset(write_synthetic(tmp_path / "d", 40, 120, 4, 1, "lastfm-360k"))
    assert data.artist_mbids is not None and sum(bool(m) for m in data.artist_mbids) > 60
    index = next(i for i, m in enumerate(data.artist_mbids) if m)
    found = Catalog(data).matcher.match("a name in no catalogue", str(data.artist_mbids[index]))
    assert (found.artist, found.how) == (index, "mbid")
